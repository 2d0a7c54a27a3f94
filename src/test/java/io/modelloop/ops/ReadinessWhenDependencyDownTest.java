package io.modelloop.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelloop.ModelLoop;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.Jolokia;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dependency of the readiness checks fails under a running instance: not ready (no traffic),
 * but alive (no restart), and the health output names the failing check; it recovers by itself.
 */
class ReadinessWhenDependencyDownTest {

    @TempDir
    Path data;

    @Test
    void readyTurnsDownAndNamesTheObjectStoreWhileLiveStaysUpThenRecovers() throws Exception {
        try (ModelLoop loop = Fixture.startLocal(data, Map.of())) {
            String mgmt = Fixture.managementBase(loop);
            assertThat(Fixture.get(mgmt + "/observe/health/ready").statusCode()).isEqualTo(200);

            loop.localS3().close();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(Fixture.get(mgmt + "/observe/health/ready").statusCode()).isEqualTo(503));
            HttpResponse<String> ready = Fixture.get(mgmt + "/observe/health/ready");
            JsonNode body = Jolokia.parse(ready.body());
            assertThat(body.path("status").asText()).isEqualTo("DOWN");
            // at the configured (default) exposure level the operator sees which check is down and why
            JsonNode objectStore = find(body, "object-store");
            assertThat(objectStore).as("object-store check in %s", ready.body()).isNotNull();
            assertThat(objectStore.path("status").asText()).isEqualTo("DOWN");
            assertThat(objectStore.path("message").asText()).contains("bucket", "not reachable");
            assertThat(names(body)).doesNotContain("parameters");

            HttpResponse<String> live = Fixture.get(mgmt + "/observe/health/live");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(Jolokia.parse(live.body()).path("status").asText()).isEqualTo("UP");
            assertThat(Fixture.get(mgmt + "/observe/health").statusCode()).isEqualTo(503);
            // the business API still answers: it is up, just not ready for work that needs the bucket
            assertThat(Fixture.get(Fixture.httpBase(loop) + "/api/status").statusCode()).isEqualTo(200);

            loop.localS3().start(loop.settings().bucket());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(Fixture.get(mgmt + "/observe/health/ready").statusCode()).isEqualTo(200));
        }
    }

    @Test
    void readyTurnsDownAndNamesTheParametersWhenTheParameterStoreCannotBeReadThenRecovers() throws Exception {
        try (ModelLoop loop = Fixture.startLocal(data, Map.of())) {
            String mgmt = Fixture.managementBase(loop);
            assertThat(Fixture.get(mgmt + "/observe/health/ready").statusCode()).isEqualTo(200);

            // the parameters file becomes unreadable (here: a folder where the file was)
            Path file = data.resolve("parameters.properties");
            Path aside = data.resolve("parameters.properties.aside");
            Files.move(file, aside);
            Files.createDirectory(file);

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(Fixture.get(mgmt + "/observe/health/ready").statusCode()).isEqualTo(503));
            JsonNode body = Jolokia.parse(Fixture.get(mgmt + "/observe/health/ready").body());
            JsonNode parameters = find(body, "parameters");
            assertThat(parameters).as("parameters check in %s", body).isNotNull();
            assertThat(parameters.path("status").asText()).isEqualTo("DOWN");
            assertThat(parameters.path("message").asText()).contains("parameter store not readable");
            assertThat(names(body)).doesNotContain("object-store");
            assertThat(Fixture.get(mgmt + "/observe/health/live").statusCode()).isEqualTo(200);

            Files.delete(file);
            Files.move(aside, file);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(Fixture.get(mgmt + "/observe/health/ready").statusCode()).isEqualTo(200));
        }
    }

    private static JsonNode find(JsonNode health, String name) {
        for (JsonNode c : health.path("checks")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        return null;
    }

    private static List<String> names(JsonNode health) {
        List<String> out = new ArrayList<>();
        health.path("checks").forEach(c -> out.add(c.path("name").asText()));
        return out;
    }
}
