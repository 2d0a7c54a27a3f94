package io.modelloop.web.auth;

import java.util.Locale;

/** What a signed-in user may do: operators everything, reviewers only the review pages and API. */
public enum Role {
    OPERATOR, REVIEWER;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String text) {
        String t = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
        for (Role r : values()) {
            if (r.name().equals(t)) {
                return r;
            }
        }
        throw new IllegalArgumentException("role must be operator or reviewer, got '" + text + "'");
    }
}
