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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sign-in, roles, CSRF and headers on a running instance, as a browser or a script sees them over HTTP. */
class WebSecurityTest {

    @TempDir
    static Path dir;
    static ModelLoop loop;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        loop = Fixture.startLocal(dir, Map.of("modelloop.web.trusted-user-header", "X-Forwarded-User",
                UserDirectory.INLINE_PREFIX + "guessed", "reviewer:" + PasswordHasher.hash("the-right-password".toCharArray())));
        base = Fixture.httpBase(loop);
    }

    @AfterAll
    static void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    private static HttpResponse<String> raw(HttpRequest.Builder b) {
        return Fixture.sendRaw(b.build());
    }

    private static HttpRequest.Builder req(String path) {
        return HttpRequest.newBuilder(URI.create(base + path));
    }

    /** Posts the sign-in form the way a browser does: with the form's token and its cookie. */
    private static HttpResponse<String> postSignInForm(String user, String password, String next) {
        HttpResponse<String> form = raw(req("/signin"));
        String pre = cookie(form, SignInHandlers.PRE_COOKIE);
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form.body());
        assertThat(m.find()).isTrue();
        return raw(req("/signin").header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", SignInHandlers.PRE_COOKIE + "=" + pre)
                .POST(HttpRequest.BodyPublishers.ofString("user=" + enc(user) + "&password=" + enc(password)
                        + "&_csrf=" + enc(m.group(1)) + "&next=" + enc(next))));
    }

    /** Signs in through the form as a browser would: returns the session cookie value. */
    static String signIn(String user, String password) {
        HttpResponse<String> r = postSignInForm(user, password, "/console/models.html");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).contains("/console/models.html");
        String setCookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("ml_session=")).findFirst().orElseThrow();
        assertThat(setCookie).containsIgnoringCase("HttpOnly").contains("SameSite=Lax").contains("Path=/");
        return cookie(r, Authenticator.SESSION_COOKIE);
    }

    private static String cookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';'))).findFirst().orElseThrow();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String csrf(String session) {
        String json = raw(req("/api/session").header("Cookie", "ml_session=" + session)).body();
        Matcher m = Pattern.compile("\"csrf\":\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return m.group(1);
    }

    @Test
    void signedOutVisitorsAreSentToSignInAndScriptsGet401() {
        HttpResponse<String> page = raw(req("/console/parameters.html?x=1"));
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).contains("/signin?next=%2Fconsole%2Fparameters.html%3Fx%3D1");
        HttpResponse<String> api = raw(req("/api/parameters"));
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.body()).contains("sign in");
        assertThat(raw(req("/api/parameters").header("Authorization", "Basic " + java.util.Base64.getEncoder()
                .encodeToString((Fixture.OPERATOR + ":wrong-password").getBytes()))).statusCode()).isEqualTo(401);
        assertThat(raw(req("/assets/app.css")).statusCode()).isEqualTo(200);
        // a page (static file, no body handler) behind basic credentials checked off the event loop
        HttpResponse<String> review = raw(req("/review/?fresh").header("Authorization", Fixture.basic(Fixture.REVIEWER)));
        assertThat(review.statusCode()).isEqualTo(200);
        assertThat(review.body()).contains("<html");
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() {
        HttpResponse<String> r = raw(req("/signin"));
        assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v ->
                assertThat(v).contains("script-src 'self'").doesNotContain("unsafe-inline"));
        assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }

    @Test
    void aSessionWorksForPagesAndApiAndStateChangesNeedItsCsrfToken() {
        String session = signIn(Fixture.OPERATOR, Fixture.password(Fixture.OPERATOR));
        assertThat(raw(req("/console/").header("Cookie", "ml_session=" + session)).statusCode()).isEqualTo(200);
        assertThat(raw(req("/api/parameters").header("Cookie", "ml_session=" + session)).statusCode()).isEqualTo(200);

        String body = "{\"value\": \"7\"}";
        HttpResponse<String> without = raw(req("/api/parameters/Minimum-Untrained-Images")
                .header("Cookie", "ml_session=" + session).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(without.statusCode()).isEqualTo(403);
        assertThat(without.body()).contains("CSRF");
        assertThat(loop.parameters().values().raw().get("Minimum-Untrained-Images")).isNotEqualTo("7");

        HttpResponse<String> wrong = raw(req("/api/parameters/Minimum-Untrained-Images")
                .header("Cookie", "ml_session=" + session).header("X-CSRF-Token", "made-up")
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(wrong.statusCode()).isEqualTo(403);

        HttpResponse<String> crossSite = raw(req("/api/parameters/Minimum-Untrained-Images")
                .header("Cookie", "ml_session=" + session).header("X-CSRF-Token", csrf(session))
                .header("Origin", "https://evil.example").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(crossSite.statusCode()).isEqualTo(403);

        HttpResponse<String> ok = raw(req("/api/parameters/Minimum-Untrained-Images")
                .header("Cookie", "ml_session=" + session).header("X-CSRF-Token", csrf(session))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(loop.parameters().values().raw().get("Minimum-Untrained-Images")).isEqualTo("7");
    }

    @Test
    void aReviewerReachesTheReviewQueueButNoOperatorPageOrApi() {
        String session = signIn(Fixture.REVIEWER, Fixture.password(Fixture.REVIEWER));
        assertThat(raw(req("/api/reviews").header("Cookie", "ml_session=" + session)).statusCode()).isEqualTo(200);
        assertThat(raw(req("/review/").header("Cookie", "ml_session=" + session)).statusCode()).isEqualTo(200);
        HttpResponse<String> page = raw(req("/console/parameters.html").header("Cookie", "ml_session=" + session));
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains("Forbidden");
        assertThat(raw(req("/api/parameters").header("Cookie", "ml_session=" + session)).statusCode()).isEqualTo(403);
        // a header claiming another identity is dropped before the routes see it
        assertThat(raw(req("/api/parameters").header("Cookie", "ml_session=" + session)
                .header("X-ModelLoop-Role", "operator").header("X-ModelLoop-User", Fixture.OPERATOR)).statusCode()).isEqualTo(403);
        HttpResponse<String> home = raw(req("/").header("Cookie", "ml_session=" + session));
        assertThat(home.headers().firstValue("Location")).contains("/review/");
    }

    @Test
    void wrongPasswordsAreRefusedWithAMessageAndTheNextParameterCannotLeaveTheSite() {
        HttpResponse<String> r = postSignInForm(Fixture.OPERATOR, "nope-nope", "<script>x</script>");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("Wrong user name or password").doesNotContain("<script>x");
        HttpResponse<String> noToken = raw(req("/signin").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=" + Fixture.OPERATOR + "&password="
                        + Fixture.password(Fixture.OPERATOR))));
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("ml_session=") && c.length() > 20);

        assertThat(SignInHandlers.safeNext("//evil.example/x")).isNull();
        assertThat(SignInHandlers.safeNext("https://evil.example/")).isNull();
        assertThat(SignInHandlers.safeNext("/\\evil.example")).isNull();
        assertThat(SignInHandlers.safeNext("/console/runs.html?id=1")).isEqualTo("/console/runs.html?id=1");
    }

    @Test
    void passwordGuessingThroughBasicCredentialsLocksTheNameForAWhile() throws Exception {
        String right = "Basic " + java.util.Base64.getEncoder().encodeToString("guessed:the-right-password".getBytes());
        for (int i = 0; i < 10; i++) {
            String wrong = "Basic " + java.util.Base64.getEncoder().encodeToString(("guessed:guess-" + i).getBytes());
            assertThat(raw(req("/api/reviews").header("Authorization", wrong)).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> locked = raw(req("/api/reviews").header("Authorization", right));
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.body()).matches(".*too many failed sign-ins, try again in \\d+ s.*").doesNotContain("sign in first");
        assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        // the sign-in form says the same
        HttpResponse<String> form = postSignInForm("guessed", "the-right-password", "/review/");
        assertThat(form.statusCode()).isEqualTo(429);
        assertThat(form.body()).containsPattern("Too many failed sign-ins, try again in \\d+ s");
        // a PUT with a body whose credentials are checked off the event loop still arrives whole
        HttpResponse<String> put = Fixture.send(HttpRequest.newBuilder(URI.create(base + "/api/parameters/Minimum-F1-Score"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"value\": \"0.75\"}")).build());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(loop.parameters().values().raw().get("Minimum-F1-Score")).isEqualTo("0.75");
    }

    @Test
    void aTrustedProxyHeaderSignsInKnownUsersOnlyWhenConfigured() {
        HttpResponse<String> known = raw(req("/api/session").header("X-Forwarded-User", Fixture.REVIEWER));
        assertThat(known.statusCode()).isEqualTo(200);
        assertThat(known.body()).contains("\"role\":\"reviewer\"");
        assertThat(raw(req("/api/session").header("X-Forwarded-User", "stranger")).statusCode()).isEqualTo(401);
    }

    @Test
    void theLocalCliTokenActsAsOperator() throws Exception {
        String token = Files.readString(WebAuthSettings.cliTokenFile(loop.settings())).strip();
        assertThat(raw(req("/api/status").header("Authorization", "Bearer " + token)).statusCode()).isEqualTo(200);
        assertThat(raw(req("/api/status").header("Authorization", "Bearer " + token + "x")).statusCode()).isEqualTo(401);
    }
}
