package io.modelloop.web.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Recognises who sent a request: a session cookie from the sign-in page, HTTP basic credentials
 * (scripts, curl), the local CLI's token, or, when configured, a user header set by a fronting
 * proxy. A session outlives neither its user nor a change of the user's role.
 */
public final class Authenticator {

    public static final String SESSION_COOKIE = "ml_session";
    public static final String CLI_USER = "cli";
    private static final Duration BASIC_CACHE = Duration.ofMinutes(5);

    private record Verified(User user, Instant until) {
    }

    private final UserDirectory users;
    private final SessionTokens tokens;
    private final String trustedUserHeader;
    private final Role proxyDefaultRole;
    private final String cliToken;
    private final Clock clock;
    private final SignInThrottle throttle;
    // PBKDF2 costs ~0.1 s by design; a script calling the API repeatedly should not pay it per call
    private final ConcurrentHashMap<String, Verified> basicCache = new ConcurrentHashMap<>();

    /**
     * @param trustedUserHeader header a fronting proxy sets to the authenticated user; null or blank = off
     * @param proxyDefaultRole  role of proxy users absent from the users file; null = they are refused
     * @param cliToken          bearer token the local CLI reads from the data folder; null = none
     */
    public Authenticator(UserDirectory users, SessionTokens tokens, String trustedUserHeader, Role proxyDefaultRole,
                         String cliToken, Clock clock) {
        this(users, tokens, trustedUserHeader, proxyDefaultRole, cliToken, clock,
                new SignInThrottle(10, java.time.Duration.ofMinutes(15), clock));
    }

    /** @param throttle failed password checks per user name, shared by the sign-in page and basic credentials */
    public Authenticator(UserDirectory users, SessionTokens tokens, String trustedUserHeader, Role proxyDefaultRole,
                         String cliToken, Clock clock, SignInThrottle throttle) {
        this.throttle = throttle;
        this.users = users;
        this.tokens = tokens;
        this.trustedUserHeader = trustedUserHeader == null || trustedUserHeader.isBlank() ? null : trustedUserHeader.strip();
        this.proxyDefaultRole = proxyDefaultRole;
        this.cliToken = cliToken;
        this.clock = clock;
    }

    /** @param header request header by name; @param cookie request cookie value by name */
    public Optional<Session> authenticate(UnaryOperator<String> header, UnaryOperator<String> cookie) {
        String authorization = header.apply("Authorization");
        if (authorization != null) {
            return fromAuthorization(authorization.strip());
        }
        if (trustedUserHeader != null) {
            String name = header.apply(trustedUserHeader);
            if (name != null && !name.isBlank()) {
                return fromProxy(name.strip());
            }
        }
        return tokens.decode(cookie.apply(SESSION_COOKIE)).filter(s -> users.find(s.user())
                .map(u -> u.role() == s.role() && u.generation() == s.generation()).orElse(false));
    }

    /** Ends every session of the user (all devices, all replicas reading the same users file). */
    public void endSessions(String user) {
        users.endSessions(user);
    }

    /** Checks a password for the sign-in page; the user when it matches. */
    public Optional<User> verifyPassword(String name, char[] password) {
        if (!User.validName(name)) {
            return Optional.empty();
        }
        Optional<User> user = users.find(name);
        // hash even for unknown users so that response times do not tell which names exist
        String hash = user.map(User::passwordHash).orElse(DUMMY_HASH);
        boolean ok = PasswordHasher.verify(password, hash);
        return ok ? user : Optional.empty();
    }

    public SessionTokens tokens() {
        return tokens;
    }

    public SignInThrottle throttle() {
        return throttle;
    }

    /** For basic credentials whose user name is locked out: how long it stays so. */
    public Optional<java.time.Duration> lockedOut(String authorization) {
        if (authorization == null || !authorization.strip().regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.strip().substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 1 ? Optional.empty() : throttle.lockedFor(decoded.substring(0, colon));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether recognising this request means a password hash check, which belongs off the event loop. */
    public boolean needsPasswordCheck(String authorization) {
        if (authorization == null || !authorization.strip().regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        Verified cached = basicCache.get(sha256(authorization.strip()));
        return cached == null || !clock.instant().isBefore(cached.until());
    }

    private Optional<Session> fromAuthorization(String authorization) {
        Instant now = clock.instant();
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String presented = authorization.substring(7).strip();
            if (cliToken != null && MessageDigest.isEqual(cliToken.getBytes(StandardCharsets.UTF_8),
                    presented.getBytes(StandardCharsets.UTF_8))) {
                return Optional.of(new Session(CLI_USER, Role.OPERATOR, now, now.plusSeconds(60), "", Session.Via.TOKEN));
            }
            return Optional.empty();
        }
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String key = sha256(authorization);
        Verified cached = basicCache.get(key);
        if (cached != null && now.isBefore(cached.until())
                && users.find(cached.user().name()).filter(cached.user()::equals).isPresent()) {
            return Optional.of(basicSession(cached.user(), now));
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 1) {
            return Optional.empty();
        }
        String name = decoded.substring(0, colon);
        if (throttle.blocked(name)) {
            return Optional.empty();
        }
        Optional<User> user = verifyPassword(name, decoded.substring(colon + 1).toCharArray());
        if (user.isEmpty()) {
            throttle.failed(name);
        }
        user.ifPresent(u -> {
            if (basicCache.size() > 1000) {
                basicCache.clear();
            }
            basicCache.put(key, new Verified(u, now.plus(BASIC_CACHE)));
        });
        return user.map(u -> basicSession(u, now));
    }

    private Optional<Session> fromProxy(String name) {
        Instant now = clock.instant();
        Role role = users.find(name).map(User::role).orElse(proxyDefaultRole);
        if (role == null || !User.validName(name)) {
            return Optional.empty();
        }
        return Optional.of(new Session(name, role, now, now.plus(tokens.lifetime()), "", Session.Via.PROXY));
    }

    private static Session basicSession(User u, Instant now) {
        return new Session(u.name(), u.role(), now, now.plus(BASIC_CACHE), "", Session.Via.BASIC);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // a fixed hash (of no one's password) with the same iteration count as real ones: checking it costs
    // a real check's time, and computing it at start-up would cost a cold JVM half a second
    static final String DUMMY_HASH = "pbkdf2-sha256$210000$h+TtjToGBjB/rrB/X5Gtjw$eGxTawgY7Y/WzUmymjE/1gNLKZxjEIwDmEkv6N7zS2Q";
}
