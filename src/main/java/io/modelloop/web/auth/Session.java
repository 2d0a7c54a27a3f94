package io.modelloop.web.auth;

import java.time.Instant;

/**
 * Who a request acts for. {@code nonce} ties the CSRF token to this sign-in; {@code via} says how the
 * user was recognised (session cookie, basic, token, proxy header), because only cookie-carried
 * identities need CSRF tokens; {@code generation} is the user's session generation at sign-in.
 */
public record Session(String user, Role role, Instant issuedAt, Instant expiresAt, String nonce, Via via, long generation) {

    public enum Via { COOKIE, BASIC, TOKEN, PROXY }

    public Session(String user, Role role, Instant issuedAt, Instant expiresAt, String nonce, Via via) {
        this(user, role, issuedAt, expiresAt, nonce, via, 0);
    }

    public boolean needsCsrfToken() {
        return via == Via.COOKIE || via == Via.PROXY;
    }
}
