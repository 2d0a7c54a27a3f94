package io.modelloop.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.ModelLoop;
import io.modelloop.model.Classification;
import io.modelloop.model.ImageRef;
import io.modelloop.model.ModelStatus;
import io.modelloop.model.ModelVersion;
import io.modelloop.model.TrainingImages;
import io.modelloop.testing.Fixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The built-in model end to end in the local profile: labeled images in the bucket, a training
 * check, a real CNN trained and evaluated on held-out images, the version switched in.
 */
class TrainingPipelineBuiltinTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> CLASSES = List.of(TrainingImages.CIRCLE, TrainingImages.STRIPES, TrainingImages.CHECKERS);

    @TempDir
    Path data;

    @Test
    void trainsEvaluatesAndServesANewVersionFromLabeledFolders() throws Exception {
        try (ModelLoop loop = Fixture.startLocal(data, Map.of("modelloop.training.poll-interval-ms", "300",
                "modelloop.builtin.epochs", "8"))) {
            Random r = new Random(7);
            for (String label : CLASSES) {
                for (int i = 0; i < 12; i++) {
                    String format = i % 2 == 0 ? "png" : "jpg";
                    byte[] img = TrainingImages.encode(TrainingImages.draw(label, r), format);
                    String key = "images_labeled_by_folder/" + label + "/" + i + "." + format;
                    loop.s3().putObject(b -> b.bucket("bucket").key(key), RequestBody.fromBytes(img));
                }
            }
            // a picture nobody trained on, in the detection folder
            byte[] unseen = TrainingImages.encode(TrainingImages.draw(TrainingImages.STRIPES, new Random(99)), "png");
            loop.s3().putObject(b -> b.bucket("bucket").key("images_for_detection/unseen.png"), RequestBody.fromBytes(unseen));

            var reply = Fixture.send(HttpRequest.newBuilder(URI.create(Fixture.httpBase(loop) + "/api/training/check"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            JsonNode check = JSON.readTree(reply.body());
            assertThat(check.path("output").path("decision").asText()).startsWith("training started");
            String version = check.path("output").path("version").asText();

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> loop.systemState().load().trainingRunInProgress() == null);
            assertThat(loop.systemState().load().runningModelVersion()).isEqualTo(version);

            ModelVersion v = loop.modelBackend().describe(version);
            assertThat(v.status()).isEqualTo(ModelStatus.RUNNING);
            assertThat(v.testImages()).isPositive();
            assertThat(v.perLabel()).containsOnlyKeys(CLASSES);
            assertThat(v.f1()).isGreaterThanOrEqualTo(0.8);

            Classification c = loop.modelBackend().classify(version, new ImageRef("bucket", "images_for_detection/unseen.png"));
            assertThat(c.label()).isEqualTo(TrainingImages.STRIPES);
            assertThat(c.labels()).hasSize(3);
            assertThat(c.labels().get(0).confidence()).isGreaterThan(c.labels().get(1).confidence());

            JsonNode models = JSON.readTree(Fixture.get(Fixture.httpBase(loop) + "/api/models").body());
            assertThat(models.path("serving").asText()).isEqualTo(version);
            assertThat(models.path("versions").get(0).path("f1").asDouble()).isEqualTo(v.f1());
            assertThat(models.path("versions").get(0).path("serving").asBoolean()).isTrue();
        }
    }

    @Test
    void aTrainingCanBeCancelledFromTheApiAndTheOldStateStays() throws Exception {
        try (ModelLoop loop = Fixture.startLocal(data, Map.of("modelloop.training.poll-interval-ms", "300",
                "modelloop.builtin.epochs", "5000"))) {
            Random r = new Random(3);
            for (String label : List.of(TrainingImages.CIRCLE, TrainingImages.CHECKERS)) {
                for (int i = 0; i < 6; i++) {
                    byte[] img = TrainingImages.encode(TrainingImages.draw(label, r), "png");
                    String key = "images_labeled_by_folder/" + label + "/" + i + ".png";
                    loop.s3().putObject(b -> b.bucket("bucket").key(key), RequestBody.fromBytes(img));
                }
            }
            String api = Fixture.httpBase(loop) + "/api/training/";
            var nothing = Fixture.send(HttpRequest.newBuilder(URI.create(api + "cancel")).POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(nothing.statusCode()).isEqualTo(409);
            assertThat(nothing.body()).contains("no training is in progress");

            Fixture.send(HttpRequest.newBuilder(URI.create(api + "check")).POST(HttpRequest.BodyPublishers.noBody()).build());
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var tr = loop.systemState().load().trainingRunInProgress();
                return tr != null && tr.modelVersion() != null;
            });
            var cancel = Fixture.send(HttpRequest.newBuilder(URI.create(api + "cancel")).POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(60)).until(() -> loop.systemState().load().trainingRunInProgress() == null);
            assertThat(loop.systemState().load().runningModelVersion()).isNull();
            JsonNode run = JSON.readTree(Fixture.get(Fixture.httpBase(loop) + "/api/runs?type=TRAINING_RUN").body()).path("runs").get(0);
            assertThat(run.path("status").asText()).isEqualTo("FAILED");
            assertThat(run.path("error").asText()).containsIgnoringCase("cancel");
        }
    }
}
