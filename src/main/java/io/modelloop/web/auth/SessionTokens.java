package io.modelloop.web.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed session cookies (HMAC-SHA256): the cookie itself says who is signed in until when, so any
 * replica holding the same key accepts it and no session store is shared. CSRF tokens are derived
 * from the session's random nonce with the same key.
 */
public final class SessionTokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;
    private final Duration lifetime;
    private final Clock clock;

    public SessionTokens(byte[] key, Duration lifetime, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the session key needs at least 32 bytes");
        }
        this.key = key.clone();
        this.lifetime = lifetime;
        this.clock = clock;
    }

    public Session issue(String user, Role role) {
        return issue(new User(user, role, "", 0));
    }

    /** A new sign-in under the user's current session generation. */
    public Session issue(User user) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        Instant now = clock.instant();
        return new Session(user.name(), user.role(), now, now.plus(lifetime), B64.encodeToString(nonce), Session.Via.COOKIE,
                user.generation());
    }

    /** The same sign-in with a fresh expiry; the nonce, and so the page's CSRF token, stays. */
    public Session renew(Session s) {
        Instant now = clock.instant();
        return new Session(s.user(), s.role(), now, now.plus(lifetime), s.nonce(), Session.Via.COOKIE, s.generation());
    }

    public String encode(Session s) {
        String payload = s.user() + "|" + s.role().id() + "|" + s.issuedAt().getEpochSecond() + "|"
                + s.expiresAt().getEpochSecond() + "|" + s.nonce() + "|" + s.generation();
        String body = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(mac("session|" + body));
    }

    /** The session in a cookie value, when its signature holds and it has not expired. */
    public Optional<Session> decode(String token) {
        if (token == null || token.length() > 1024) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 1) {
            return Optional.empty();
        }
        String body = token.substring(0, dot);
        try {
            if (!MessageDigest.isEqual(mac("session|" + body), B64D.decode(token.substring(dot + 1)))) {
                return Optional.empty();
            }
            String[] p = new String(B64D.decode(body), StandardCharsets.UTF_8).split("\\|", -1);
            // five fields: a cookie signed before session generations existed, generation 0
            if (p.length != 5 && p.length != 6) {
                return Optional.empty();
            }
            Instant expires = Instant.ofEpochSecond(Long.parseLong(p[3]));
            if (!clock.instant().isBefore(expires)) {
                return Optional.empty();
            }
            return Optional.of(new Session(p[0], Role.parse(p[1]), Instant.ofEpochSecond(Long.parseLong(p[2])), expires,
                    p[4], Session.Via.COOKIE, p.length == 6 ? Long.parseLong(p[5]) : 0));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether the session is past half its life, so that an active user gets a fresh cookie. */
    public boolean wantsRenewal(Session s) {
        return clock.instant().isAfter(s.issuedAt().plus(lifetime.dividedBy(2)));
    }

    public Duration lifetime() {
        return lifetime;
    }

    public String csrfToken(Session s) {
        String basis = s.via() == Session.Via.PROXY ? "proxy|" + s.user() : "nonce|" + s.nonce();
        return B64.encodeToString(mac("csrf|" + basis));
    }

    public boolean csrfMatches(Session s, String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(csrfToken(s).getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    /** A token for a form shown before sign-in, bound to a random value in a short-lived cookie. */
    public String preSessionToken(String cookieValue) {
        return B64.encodeToString(mac("pre|" + cookieValue));
    }

    public static String randomValue() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return B64.encodeToString(b);
    }

    private byte[] mac(String data) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
