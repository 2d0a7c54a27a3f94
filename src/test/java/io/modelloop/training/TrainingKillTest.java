package io.modelloop.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.model.TrainingImages;
import io.modelloop.testing.ChildModelLoop;
import io.modelloop.testing.Fixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * kill -9 in the middle of a built-in training (#13 item 8): the restarted instance restarts the
 * training at once (it owns it: nobody else heartbeats it), nothing stays TRAINING_IN_PROGRESS,
 * and the images count as trained only once a version trained on them is deployed.
 */
class TrainingKillTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void aTrainingKilledMidwayRestartsAtOnceAndItsImagesCountOnlyOnceDeployed() throws Exception {
        try (ChildModelLoop child = ChildModelLoop.builder(data)
                // long enough to be killed in the middle, short enough to finish after the restart
                .property("modelloop.builtin.epochs", "30")
                .property("modelloop.builtin.image-size", "32")
                .property("modelloop.training.poll-interval-ms", "2000")
                .start()) {
            setParameter(child, "Minimum-F1-Score", "0");
            Random random = new Random(5);
            for (String label : List.of(TrainingImages.CIRCLE, TrainingImages.STRIPES)) {
                for (int i = 0; i < 5; i++) {
                    byte[] png = TrainingImages.encode(TrainingImages.draw(label, random), "png");
                    String key = "images_labeled_by_folder/" + label + "/" + i + ".png";
                    child.s3().putObject(b -> b.bucket(ChildModelLoop.BUCKET).key(key), RequestBody.fromBytes(png));
                }
            }
            JsonNode check = child.api().postJson("/api/training/check", null);
            String decision = check.path("output").path("decision").asText();
            assertThat(decision).as(check.toString()).startsWith("training started");
            String version = check.path("output").path("version").asText();
            Path record = child.bucketDir().resolve("models").resolve(version).resolve("model.json");

            await().atMost(Duration.ofMinutes(2)).until(() -> {
                JsonNode r = read(record);
                return r != null && "TRAINING_IN_PROGRESS".equals(r.path("status").asText())
                        && r.path("progress").path("epoch").asInt() >= 1;
            });
            long killed = child.pid();
            child.kill();
            child.restart();

            // restarted by the new process at once, not after the 10-minute staleness limit
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode r = read(record);
                return r != null && r.path("ownerPid").asLong() == child.pid();
            });
            assertThat(child.pid()).isNotEqualTo(killed);
            JsonNode restarted = read(record);
            assertThat(restarted.path("statusMessage").asText()).as(restarted.toString()).isNotEmpty();
            assertThat(restarted.path("trainingAttempts").asInt()).isEqualTo(2);
            JsonNode models = child.api().json("/api/models");
            assertThat(models.path("trainedImageCount").asInt()).as("nothing deployed yet").isZero();
            assertThat(models.path("trainingInProgress").path("versionName").asText()).isEqualTo(version);

            // not stuck: it trains to the end, deploys, and only then its images count as trained
            await().atMost(Duration.ofMinutes(4)).until(() -> version.equals(child.api().json("/api/models").path("serving").asText()));
            await().atMost(Duration.ofSeconds(30)).until(() -> child.api().json("/api/models").path("trainingInProgress").isNull()
                    || child.api().json("/api/models").path("trainingInProgress").isMissingNode());
            assertThat(child.api().json("/api/models").path("trainedImageCount").asInt()).isEqualTo(10);
            JsonNode again = child.api().postJson("/api/training/check", null);
            assertThat(again.path("output").path("decision").asText()).contains("0 new labeled image(s)");
        }
    }

    private static void setParameter(ChildModelLoop child, String name, String value) {
        var r = Fixture.sendRaw(HttpRequest.newBuilder(URI.create(child.baseUrl() + "/api/parameters/" + name))
                .header("Authorization", Fixture.basic(Fixture.OPERATOR)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"value\": \"" + value + "\"}")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static JsonNode read(Path file) {
        try {
            return Files.exists(file) ? JSON.readTree(Files.readAllBytes(file)) : null;
        } catch (Exception e) {
            // being replaced right now
            return null;
        }
    }
}
