package io.modelloop.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SessionTokensTest {

    private static final byte[] KEY = new byte[32];
    private final Instant t0 = Instant.parse("2026-11-25T10:00:00Z");

    private SessionTokens at(Instant now, byte[] key) {
        return new SessionTokens(key, Duration.ofHours(12), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aSessionSurvivesTheRoundTripUntilItExpires() {
        SessionTokens tokens = at(t0, KEY);
        Session s = tokens.issue("alice", Role.REVIEWER);
        String cookie = tokens.encode(s);
        assertThat(tokens.decode(cookie)).hasValueSatisfying(d -> {
            assertThat(d.user()).isEqualTo("alice");
            assertThat(d.role()).isEqualTo(Role.REVIEWER);
            assertThat(d.nonce()).isEqualTo(s.nonce());
        });
        assertThat(at(t0.plus(Duration.ofHours(12)), KEY).decode(cookie)).isEmpty();
    }

    @Test
    void aChangedRoleOrAnotherKeyIsRefused() {
        SessionTokens tokens = at(t0, KEY);
        String cookie = tokens.encode(tokens.issue("alice", Role.REVIEWER));
        String body = new String(java.util.Base64.getUrlDecoder().decode(cookie.substring(0, cookie.indexOf('.'))));
        String forged = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(body.replace("reviewer", "operator").getBytes()) + cookie.substring(cookie.indexOf('.'));
        assertThat(tokens.decode(forged)).isEmpty();
        byte[] other = Arrays.copyOf(KEY, 32);
        other[0] = 1;
        assertThat(at(t0, other).decode(cookie)).isEmpty();
        assertThat(tokens.decode("garbage")).isEmpty();
        assertThat(tokens.decode(null)).isEmpty();
    }

    @Test
    void aRenewedSessionKeepsItsCsrfTokenAndLivesLonger() {
        Session s = at(t0, KEY).issue("alice", Role.OPERATOR);
        SessionTokens later = at(t0.plus(Duration.ofHours(7)), KEY);
        assertThat(later.wantsRenewal(s)).isTrue();
        Session renewed = later.renew(s);
        assertThat(renewed.expiresAt()).isEqualTo(t0.plus(Duration.ofHours(19)));
        assertThat(later.csrfToken(renewed)).isEqualTo(later.csrfToken(s));
        assertThat(later.wantsRenewal(renewed)).isFalse();
    }

    @Test
    void csrfTokensBelongToOneSignIn() {
        SessionTokens tokens = at(t0, KEY);
        Session a = tokens.issue("alice", Role.OPERATOR);
        Session b = tokens.issue("alice", Role.OPERATOR);
        assertThat(tokens.csrfMatches(a, tokens.csrfToken(a))).isTrue();
        assertThat(tokens.csrfMatches(a, tokens.csrfToken(b))).isFalse();
        assertThat(tokens.csrfMatches(a, null)).isFalse();
        assertThat(tokens.csrfMatches(a, "")).isFalse();
    }

    @Test
    void theCookieCarriesTheUsersSessionGenerationSignedWithTheRest() {
        SessionTokens tokens = at(t0, KEY);
        String cookie = tokens.encode(tokens.issue(new User("alice", Role.OPERATOR, "", 7)));
        assertThat(tokens.decode(cookie)).hasValueSatisfying(d -> assertThat(d.generation()).isEqualTo(7));
        String body = new String(java.util.Base64.getUrlDecoder().decode(cookie.substring(0, cookie.indexOf('.'))));
        String raised = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(body.replaceAll("\\|7$", "|8").getBytes()) + cookie.substring(cookie.indexOf('.'));
        assertThat(tokens.decode(raised)).isEmpty();
    }
}
