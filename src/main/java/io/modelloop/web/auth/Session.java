package io.modelloop.web.auth;

import java.time.Instant;

/**
 * Who a request acts for. {@code nonce} ties the CSRF token to this sign-in; {@code via} says how the
 * user was recognised (session cookie, basic, token, proxy header), because only cookie-carried
 * identities need CSRF tokens.
 */
public record Session(String user, Role role, Instant issuedAt, Instant expiresAt, String nonce, Via via) {

    public enum Via { COOKIE, BASIC, TOKEN, PROXY }

    public boolean needsCsrfToken() {
        return via == Via.COOKIE || via == Via.PROXY;
    }
}
