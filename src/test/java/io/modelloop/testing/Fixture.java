package io.modelloop.testing;

import io.modelloop.ModelLoop;
import io.modelloop.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import io.modelloop.web.auth.PasswordHasher;
import io.modelloop.web.auth.UserDirectory;
import java.util.HashMap;
import java.util.Map;

/** Starts real ModelLoop instances for tests: temporary data folder, free ports, the repo's config/. */
public final class Fixture {

    public static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Console users every fixture instance has: an operator and a reviewer (password = name + "-password"). */
    public static final String OPERATOR = "test-operator";
    public static final String REVIEWER = "test-reviewer";
    private static final String OPERATOR_HASH = PasswordHasher.hash(password(OPERATOR).toCharArray());
    private static final String REVIEWER_HASH = PasswordHasher.hash(password(REVIEWER).toCharArray());

    private Fixture() {
    }

    /** Ports this JVM's fixtures handed out: the OS may offer a just-closed port again, and two servers would clash. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A free port no other fixture call in this JVM has returned (an instance's HTTP and S3 ports once collided). */
    public static int freePort() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            try (ServerSocket s = new ServerSocket(0)) {
                s.setReuseAddress(true);
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port the fixtures have not handed out already");
    }

    /** Local-profile settings on a temporary data folder and free ports; extra keys override. */
    public static Settings localSettings(Path dataDir, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>();
        o.put("camel.main.profile", "local");
        o.put("modelloop.data", dataDir.toString());
        o.put("modelloop.http.port", Integer.toString(freePort()));
        o.put("modelloop.management.port", Integer.toString(freePort()));
        o.put("modelloop.http.host", "127.0.0.1");
        o.put("modelloop.management.host", "127.0.0.1");
        o.put("modelloop.s3.port", Integer.toString(freePort()));
        o.put("modelloop.notify.retry.delay-ms", "50");
        o.putAll(testUsers());
        o.putAll(extra);
        return Settings.load(Path.of("config"), o);
    }

    public static ModelLoop startLocal(Path dataDir, Map<String, String> extra) throws Exception {
        return new ModelLoop(localSettings(dataDir, extra)).start();
    }

    public static String httpBase(ModelLoop loop) {
        return "http://127.0.0.1:" + loop.settings().get("modelloop.http.port");
    }

    public static String managementBase(ModelLoop loop) {
        return "http://127.0.0.1:" + loop.settings().get("modelloop.management.port");
    }

    public static HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    /** Configuration keys giving an instance the test operator and reviewer. */
    public static Map<String, String> testUsers() {
        return Map.of(UserDirectory.INLINE_PREFIX + OPERATOR, "operator:" + OPERATOR_HASH,
                UserDirectory.INLINE_PREFIX + REVIEWER, "reviewer:" + REVIEWER_HASH);
    }

    public static String password(String user) {
        return user + "-password";
    }

    public static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password(user)).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the request as the test operator (HTTP basic) unless it carries its own Authorization. */
    public static HttpResponse<String> send(HttpRequest request) {
        return sendRaw(request.headers().firstValue("Authorization").isPresent() ? request
                : HttpRequest.newBuilder(request, (n, v) -> true).header("Authorization", basic(OPERATOR)).build());
    }

    /** Sends the request exactly as built: no credentials added. */
    public static HttpResponse<String> sendRaw(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
