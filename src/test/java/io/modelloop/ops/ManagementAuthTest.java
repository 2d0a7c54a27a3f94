package io.modelloop.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelloop.ModelLoop;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.Jolokia;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Basic authentication on the management server (modelloop.management.auth-file): the file is
 * read by Vert.x PropertyFileAuthentication, lines {@code user.NAME=PASSWORD,ROLE...} and
 * optionally {@code role.ROLE=PERMISSION,...}. Authentication does not widen the Jolokia policy.
 */
class ManagementAuthTest {

    @TempDir
    static Path data;

    static ModelLoop loop;
    static String mgmt;

    @BeforeAll
    static void start() throws Exception {
        Path auth = data.resolve("management-users.properties");
        Files.writeString(auth, "user.hawtio=secret,admin\nrole.admin=*\n");
        loop = Fixture.startLocal(data.resolve("data"), Map.of("modelloop.management.auth-file", auth.toString()));
        mgmt = Fixture.managementBase(loop);
    }

    @AfterAll
    static void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    private static HttpResponse<String> get(String path, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(mgmt + path)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return Fixture.send(b.build());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withoutOrWithWrongCredentialsEveryManagementPathAnswers401() {
        for (String path : List.of("/observe/jolokia/version", "/observe/metrics", "/observe/health",
                "/observe/health/ready", "/observe/health/live", "/observe/info")) {
            HttpResponse<String> none = get(path, null);
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.body()).as(path).doesNotContain("modelloop", "jvm_");
            assertThat(get(path, basic("hawtio", "wrong")).statusCode()).as(path).isEqualTo(401);
            assertThat(get(path, basic("nobody", "secret")).statusCode()).as(path).isEqualTo(401);
        }
        // a Hawtio POST without credentials is refused too
        HttpResponse<String> post = new Jolokia(mgmt).post(Jolokia.request("read")
                .put("mbean", Jolokia.CONTEXT_MBEAN).put("attribute", "State"));
        assertThat(post.statusCode()).isEqualTo(401);
        assertThat(post.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).startsWith("Basic"));
    }

    @Test
    void withCredentialsEverythingAnswers() {
        String auth = basic("hawtio", "secret");
        assertThat(get("/observe/health/ready", auth).statusCode()).isEqualTo(200);
        assertThat(get("/observe/health/live", auth).statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get("/observe/metrics", auth);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("camel_exchanges_total");

        Jolokia jolokia = new Jolokia(mgmt, "hawtio", "secret");
        JsonNode state = jolokia.read(Jolokia.CONTEXT_MBEAN, "State");
        assertThat(state.path("status").asInt()).isEqualTo(200);
        assertThat(state.path("value").asText()).isEqualTo("Started");
        assertThat(jolokia.read(Jolokia.routeMBean("notify"), "State").path("value").asText()).isEqualTo("Started");
    }

    @Test
    void authenticatedWritesAndExecsAreStillRefused() {
        Jolokia jolokia = new Jolokia(mgmt, "hawtio", "secret");
        String route = Jolokia.routeMBean("parameters-refresh");

        JsonNode write = jolokia.call(Jolokia.request("write").put("mbean", route)
                .put("attribute", "StatisticsEnabled").put("value", false));
        assertThat(write.path("status").asInt()).isEqualTo(403);
        JsonNode stop = jolokia.call(Jolokia.request("exec").put("mbean", route).put("operation", "stop()"));
        assertThat(stop.path("status").asInt()).isEqualTo(403);
        JsonNode gc = jolokia.call(Jolokia.request("exec").put("mbean", "java.lang:type=Memory").put("operation", "gc"));
        assertThat(gc.path("status").asInt()).isEqualTo(403);

        assertThat(jolokia.read(route, "StatisticsEnabled").path("value").asBoolean()).isTrue();
        assertThat(loop.camel().getRouteController().getRouteStatus("parameters-refresh")).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void theBusinessServerIsNotAffected() {
        assertThat(Fixture.get(Fixture.httpBase(loop) + "/api/status").statusCode()).isEqualTo(200);
    }
}
