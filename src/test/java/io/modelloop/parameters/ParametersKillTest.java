package io.modelloop.parameters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelloop.state.SystemStateRepository;
import io.modelloop.testing.ChildModelLoop;
import io.modelloop.testing.Fixture;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system state against people editing the parameters file and against kill -9 (#13 item 9):
 * emptying the file or killing the process while parameters are being written loses neither the
 * parameters nor the model that serves.
 */
class ParametersKillTest {

    @TempDir
    Path data;

    @Test
    void theServingVersionSurvivesAnEmptiedParametersFileAndAKillDuringWrites() throws Exception {
        // a version serves (as a deployment would have recorded it)
        new SystemStateRepository(new FileParameterStore(data.resolve("parameters.properties")), java.time.Clock.systemUTC())
                .update(s -> s.withRunningModelVersion("v-serving").withTrainedImageCount(42));
        try (ChildModelLoop child = ChildModelLoop.builder(data).start()) {
            assertThat(child.api().json("/api/models").path("serving").asText()).isEqualTo("v-serving");

            // an operator empties the file people edit
            Files.writeString(data.resolve("parameters.properties"), "");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    Files.readString(data.resolve("parameters.properties")).contains("Minimum-F1-Score="));
            assertThat(child.api().json("/api/models").path("serving").asText()).isEqualTo("v-serving");
            assertThat(child.api().json("/api/models").path("trainedImageCount").asInt()).isEqualTo(42);

            // kill -9 while parameters are being written, again and again
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger writes = new AtomicInteger();
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        Fixture.sendRaw(HttpRequest.newBuilder(URI.create(child.baseUrl() + "/api/parameters/Human-Sampling-Interval"))
                                .header("Authorization", Fixture.basic(Fixture.OPERATOR)).header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString("{\"value\": \"" + (100 + writes.incrementAndGet()) + "\"}"))
                                .timeout(Duration.ofSeconds(5)).build());
                    } catch (RuntimeException e) {
                        // the process is gone
                    }
                }
            });
            writer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() >= 20);
            child.kill();
            stop.set(true);
            writer.join();

            Properties p = new Properties();
            p.load(new StringReader(Files.readString(data.resolve("parameters.properties"))));
            for (ParameterDefinition d : ParameterDefinition.ALL) {
                assertThat(p.getProperty(d.name())).as(d.name()).isNotBlank();
            }
            child.restart();
            assertThat(child.api().json("/api/models").path("serving").asText()).isEqualTo("v-serving");
            assertThat(child.api().json("/api/models").path("trainedImageCount").asInt()).isEqualTo(42);
            assertThat(child.api().json("/api/parameters").toString()).contains("Human-Sampling-Interval");
        }
    }
}
