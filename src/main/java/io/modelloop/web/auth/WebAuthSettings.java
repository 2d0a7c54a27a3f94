package io.modelloop.web.auth;

import io.modelloop.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the console's authentication from configuration (modelloop.web.*), creating local files where the profile wants them. */
public final class WebAuthSettings {

    private static final Logger LOG = LoggerFactory.getLogger(WebAuthSettings.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebAuthSettings() {
    }

    public static Path usersFile(Settings s) {
        String f = s.get("modelloop.web.users-file");
        return f.isBlank() ? s.dataDir().resolve("users.properties") : Path.of(f);
    }

    /** modelloop.web.trusted-proxies: the reverse proxies' addresses, comma-separated. */
    public static java.util.Set<String> trustedProxies(Settings s) {
        java.util.Set<String> set = new java.util.LinkedHashSet<>();
        for (String a : s.get("modelloop.web.trusted-proxies").split(",")) {
            if (!a.isBlank()) {
                set.add(a.strip());
            }
        }
        return set;
    }

    public static Path cliTokenFile(Settings s) {
        return s.dataDir().resolve("web").resolve("cli.token");
    }

    /**
     * The HMAC key of session cookies: modelloop.web.session-key (base64, e.g. from a Secret via
     * MODELLOOP_WEB_SESSION_KEY), else the file modelloop.web.session-key-file, else
     * data/web/session.key, created on first start.
     */
    public static byte[] sessionKey(Settings s) {
        String inline = s.get("modelloop.web.session-key");
        if (!inline.isBlank()) {
            byte[] key = Base64.getDecoder().decode(inline.strip());
            if (key.length < 32) {
                throw new IllegalArgumentException("modelloop.web.session-key must be at least 32 bytes, base64 encoded"
                        + " (e.g. `openssl rand -base64 32`)");
            }
            return key;
        }
        String configured = s.get("modelloop.web.session-key-file");
        Path file = configured.isBlank() ? s.dataDir().resolve("web").resolve("session.key") : Path.of(configured);
        try {
            if (Files.exists(file)) {
                byte[] key = Base64.getDecoder().decode(Files.readString(file).strip());
                if (key.length >= 32) {
                    return key;
                }
                throw new IllegalArgumentException("session key file " + file + " holds fewer than 32 bytes");
            }
            if (!configured.isBlank()) {
                throw new IllegalArgumentException("modelloop.web.session-key-file " + file + " does not exist");
            }
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            OwnerOnlyFiles.write(file, Base64.getEncoder().encodeToString(key));
            if (!s.isLocal()) {
                LOG.warn("Created a session key in {}: with several replicas give them all the same key "
                        + "(modelloop.web.session-key from a Secret), or a session works only on the pod that signed it", file);
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("Reading or creating the session key " + file + " failed: " + e.getMessage(), e);
        }
    }

    public static Authenticator authenticator(Settings s, UserDirectory users, String cliToken) {
        SessionTokens tokens = new SessionTokens(sessionKey(s),
                Duration.ofHours(s.getInt("modelloop.web.session-hours")), Clock.systemUTC());
        String role = s.get("modelloop.web.trusted-proxy-default-role");
        return new Authenticator(users, tokens, s.get("modelloop.web.trusted-user-header"),
                role.isBlank() ? null : Role.parse(role), cliToken, Clock.systemUTC());
    }

    /**
     * In a profile that asks for it (local), the first start with no users creates an operator
     * with a random password and returns that password, to be shown once; null otherwise.
     */
    public static String createFirstOperator(Settings s, UserDirectory users) {
        if (!s.getBoolean("modelloop.web.create-first-operator") || !users.isEmpty()) {
            return null;
        }
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        users.put(new User("operator", Role.OPERATOR, PasswordHasher.hash(password.toCharArray())));
        LOG.info("Created the console user 'operator' in {} (its password is printed once at start-up)", users.file());
        return password;
    }

    /** A fresh token for the CLI on this machine, in an owner-only file in the data folder. */
    public static String newCliToken(Settings s) {
        String token = SessionTokens.randomValue() + SessionTokens.randomValue();
        try {
            OwnerOnlyFiles.write(cliTokenFile(s), token);
        } catch (IOException e) {
            LOG.warn("Could not write the CLI token {}: the CLI's status and train commands will need --user: {}",
                    cliTokenFile(s), e.getMessage());
            return null;
        }
        return token;
    }
}
