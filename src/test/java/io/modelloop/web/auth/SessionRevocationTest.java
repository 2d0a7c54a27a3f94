package io.modelloop.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.ModelLoop;
import io.modelloop.testing.Fixture;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-out, a password change and `users remove` end the sessions already signed in, on the replica
 * that did it and on another replica reading the same users file and session key.
 */
class SessionRevocationTest {

    @TempDir
    static Path dir;
    static Path usersFile;
    static UserDirectory users;
    static ModelLoop a;
    static ModelLoop b;

    @BeforeAll
    static void start() throws Exception {
        usersFile = dir.resolve("shared").resolve("users.properties");
        Files.createDirectories(usersFile.getParent());
        users = new UserDirectory(usersFile, Map.of());
        for (String name : new String[] {"ann", "bob", "cid"}) {
            users.put(new User(name, Role.OPERATOR, PasswordHasher.hash(password(name).toCharArray())));
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Map<String, String> shared = Map.of("modelloop.web.users-file", usersFile.toString(),
                "modelloop.web.session-key", Base64.getEncoder().encodeToString(key));
        a = Fixture.startLocal(dir.resolve("a"), shared);
        b = Fixture.startLocal(dir.resolve("b"), shared);
    }

    @AfterAll
    static void stop() {
        for (ModelLoop l : new ModelLoop[] {a, b}) {
            if (l != null) {
                l.close();
            }
        }
    }

    static String password(String user) {
        return user + "-secret-pw";
    }

    static HttpResponse<String> raw(HttpRequest.Builder r) {
        return Fixture.sendRaw(r.build());
    }

    static HttpRequest.Builder req(ModelLoop l, String path) {
        return HttpRequest.newBuilder(URI.create(Fixture.httpBase(l) + path));
    }

    /** Signs in through the form as a browser would; the session cookie's value. */
    static String signIn(ModelLoop l, String user, String password) {
        HttpResponse<String> form = raw(req(l, "/signin"));
        String pre = cookie(form, SignInHandlers.PRE_COOKIE);
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form.body());
        assertThat(m.find()).isTrue();
        HttpResponse<String> r = raw(req(l, "/signin").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", SignInHandlers.PRE_COOKIE + "=" + pre)
                .POST(HttpRequest.BodyPublishers.ofString("user=" + enc(user) + "&password=" + enc(password)
                        + "&_csrf=" + enc(m.group(1)))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        return cookie(r, Authenticator.SESSION_COOKIE);
    }

    static String cookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';'))).findFirst().orElseThrow();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The status a signed-in API call gets with this session cookie. */
    static int apiWith(ModelLoop l, String session) {
        return raw(req(l, "/api/parameters").header("Cookie", "ml_session=" + session)).statusCode();
    }

    static String csrf(ModelLoop l, String session) {
        String json = raw(req(l, "/api/session").header("Cookie", "ml_session=" + session)).body();
        Matcher m = Pattern.compile("\"csrf\":\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return m.group(1);
    }

    @Test
    void signingOutEndsEverySessionOfTheUserOnEveryReplica() {
        String laptop = signIn(a, "ann", password("ann"));
        String phone = signIn(b, "ann", password("ann"));
        assertThat(apiWith(a, laptop)).isEqualTo(200);
        assertThat(apiWith(b, laptop)).isEqualTo(200);
        assertThat(apiWith(a, phone)).isEqualTo(200);

        HttpResponse<String> out = raw(req(a, "/signout").header("Cookie", "ml_session=" + laptop)
                .header("X-CSRF-Token", csrf(a, laptop)).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(out.statusCode()).isEqualTo(303);

        // the cookie a copy was kept of, and the other device's cookie, both stop working everywhere
        assertThat(apiWith(a, laptop)).isEqualTo(401);
        assertThat(apiWith(b, laptop)).isEqualTo(401);
        assertThat(apiWith(a, phone)).isEqualTo(401);
        assertThat(apiWith(b, phone)).isEqualTo(401);
        // signing in again works
        assertThat(apiWith(b, signIn(b, "ann", password("ann")))).isEqualTo(200);
    }

    @Test
    void aPasswordChangeEndsTheSessionsSignedInWithTheOldOne() {
        String session = signIn(a, "bob", password("bob"));
        assertThat(apiWith(b, session)).isEqualTo(200);

        // what `modelloop users add bob --role operator` does with the new password
        new UserDirectory(usersFile, Map.of()).put(new User("bob", Role.OPERATOR, PasswordHasher.hash("a-new-password".toCharArray())));

        assertThat(apiWith(a, session)).isEqualTo(401);
        assertThat(apiWith(b, session)).isEqualTo(401);
        assertThat(apiWith(a, signIn(a, "bob", "a-new-password"))).isEqualTo(200);
    }

    @Test
    void removingAUserEndsItsSessions() {
        String session = signIn(b, "cid", password("cid"));
        assertThat(apiWith(a, session)).isEqualTo(200);

        // what `modelloop users remove cid` does
        assertThat(new UserDirectory(usersFile, Map.of()).remove("cid")).isTrue();

        assertThat(apiWith(a, session)).isEqualTo(401);
        assertThat(apiWith(b, session)).isEqualTo(401);
    }

    @Test
    void usersFileLinesWithoutAGenerationStillSignIn() throws Exception {
        Files.writeString(usersFile, Files.readString(usersFile) + "\nold=reviewer:"
                + PasswordHasher.hash("old-password".toCharArray()) + "\n");
        String session = signIn(a, "old", "old-password");
        assertThat(raw(req(b, "/api/session").header("Cookie", "ml_session=" + session)).statusCode()).isEqualTo(200);
    }
}
