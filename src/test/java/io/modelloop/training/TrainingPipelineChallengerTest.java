package io.modelloop.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.ModelLoop;
import io.modelloop.model.TrainingImages;
import io.modelloop.runs.RunRecord;
import io.modelloop.testing.Browser;
import io.modelloop.testing.Fixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The champion/challenger gate with the built-in model, end to end: real CNNs trained on real
 * pictures, the serving version scored on the candidate's held-out images. A version trained
 * with a learning rate too small to learn anything stands in for a bad candidate (or a bad
 * serving version): it passes Minimum-F1-Score 0, so only the comparison can refuse it.
 */
class TrainingPipelineChallengerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> CLASSES = List.of(TrainingImages.CIRCLE, TrainingImages.STRIPES, TrainingImages.CHECKERS);
    static final String LEARNS_NOTHING = "0.0000001";

    @TempDir
    Path data;
    final Random random = new Random(11);
    int next;

    ModelLoop start(String learningRate) throws Exception {
        ModelLoop loop = Fixture.startLocal(data, Map.of("modelloop.training.poll-interval-ms", "300",
                "modelloop.builtin.epochs", "8", "modelloop.builtin.learning-rate", learningRate));
        loop.parameters().set("Minimum-F1-Score", "0");
        return loop;
    }

    void label(ModelLoop loop, int perLabel) {
        for (String label : CLASSES) {
            for (int i = 0; i < perLabel; i++) {
                byte[] img = TrainingImages.encode(TrainingImages.draw(label, random), "png");
                String key = "images_labeled_by_folder/" + label + "/" + (next++) + ".png";
                loop.s3().putObject(b -> b.bucket("bucket").key(key), RequestBody.fromBytes(img));
            }
        }
    }

    /** Trains a version and waits until its run has ended; returns the version name. */
    String train(ModelLoop loop) throws Exception {
        var reply = Fixture.send(HttpRequest.newBuilder(URI.create(Fixture.httpBase(loop) + "/api/training/check"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        JsonNode check = JSON.readTree(reply.body());
        assertThat(check.path("output").path("decision").asText()).as(reply.body()).startsWith("training started");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300))
                .until(() -> loop.systemState().load().trainingRunInProgress() == null);
        return check.path("output").path("version").asText();
    }

    RunRecord.Step gateStep(ModelLoop loop, String step) {
        RunRecord run = loop.runStore().list("TRAINING_RUN", null, null, 1).get(0);
        return run.steps().stream().filter(s -> s.name().equals(step)).findFirst().orElseThrow(
                () -> new AssertionError("no " + step + " step in " + run));
    }

    List<JsonNode> notifications(String event) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(data.resolve("notifications.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if (event.equals(n.path("event").asText())) {
                out.add(n);
            }
        }
        return out;
    }

    @Test
    void aBetterCandidateReplacesTheServingVersionAndAWorseOneIsRejected() throws Exception {
        // 1. a version that learned nothing serves (nothing served before: Minimum-F1-Score alone decides)
        String weak;
        try (ModelLoop loop = start(LEARNS_NOTHING)) {
            label(loop, 12);
            weak = train(loop);
            assertThat(loop.systemState().load().runningModelVersion()).isEqualTo(weak);
        }

        // 2. a version that learns: scored with the serving one on its own held-out images, and better
        String good;
        try (ModelLoop loop = start("0.002")) {
            label(loop, 10);
            good = train(loop);
            assertThat(loop.systemState().load().runningModelVersion()).isEqualTo(good);
            RunRecord.Step gate = gateStep(loop, "challenger-gate");
            assertThat(gate.status()).isEqualTo(RunRecord.RunStatus.SUCCEEDED);
            assertThat(gate.output()).containsEntry("decision", "deploy").containsEntry("rule", "challenger")
                    .containsEntry("sameImages", true).containsEntry("serving", weak);
            assertThat((Integer) gate.output().get("images")).isPositive();
            // images the serving version trained on do not count: they would flatter it
            assertThat((String) gate.output().get("method")).contains("the serving version trained on were left out");
            assertThat((Double) gate.output().get("candidateSharedF1"))
                    .isGreaterThan((Double) gate.output().get("servingSharedF1") + 0.2);
        }

        // 3. a candidate that learned nothing again: above Minimum-F1-Score 0, far below the serving version
        try (ModelLoop loop = start(LEARNS_NOTHING)) {
            label(loop, 10);
            String bad = train(loop);
            assertThat(loop.systemState().load().runningModelVersion()).isEqualTo(good);
            assertThat(loop.systemState().load().refusedImageCount()).isEqualTo(96);
            assertThat(notifications("FailedF1Evaluation")).isEmpty();
            JsonNode rejected = notifications("CandidateRejected").get(0);
            assertThat(rejected.path("details").asText()).contains(bad, "not deployed", "shared-label F1");
            assertThat(rejected.path("data").path("rule").asText()).isEqualTo("challenger");
            assertThat(rejected.path("data").path("servingSharedF1").asDouble())
                    .isGreaterThan(rejected.path("data").path("candidateSharedF1").asDouble() + 0.2);
            RunRecord.Step gate = gateStep(loop, "challenger-gate");
            assertThat(gate.status()).isEqualTo(RunRecord.RunStatus.FAILED);
            assertThat(gate.output()).containsEntry("decision", "reject").containsEntry("serving", good);

            // the models API shows each version's gate decision
            JsonNode versions = JSON.readTree(Fixture.get(Fixture.httpBase(loop) + "/api/models").body()).path("versions");
            Map<String, JsonNode> byName = new java.util.HashMap<>();
            versions.forEach(v -> byName.put(v.path("name").asText(), v.path("gate")));
            assertThat(byName.get(bad).path("decision").asText()).isEqualTo("reject");
            assertThat(byName.get(bad).path("rule").asText()).isEqualTo("challenger");
            assertThat(byName.get(bad).path("candidateSharedF1").isNumber()).isTrue();
            assertThat(byName.get(good).path("decision").asText()).isEqualTo("deploy");
            assertThat(byName.get(weak).path("rule").asText()).isEqualTo("minimum-f1");

            // a candidate trained before held-out images were recorded: the recorded per-label F1s, and it says so
            String key = "models/" + weak + "/model.json";
            var record = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(
                    loop.s3().getObjectAsBytes(b -> b.bucket("bucket").key(key)).asByteArray());
            record.remove("heldOutKey");
            loop.s3().putObject(b -> b.bucket("bucket").key(key), RequestBody.fromString(record.toString()));
            var recorded = loop.modelBackend().compare(weak, good);
            assertThat(recorded.sameImages()).isFalse();
            assertThat(recorded.method()).contains("trained before held-out images were recorded", "own test split");
            assertThat(recorded.sharedLabels()).containsExactlyInAnyOrderElementsOf(CLASSES);
            assertThat(recorded.candidateSharedF1()).isCloseTo(record.path("f1").asDouble(),
                    org.assertj.core.data.Offset.offset(1e-9));

            // and so does the models page, next to each version's F1
            try (Browser browser = new Browser(Fixture.httpBase(loop))) {
                browser.signIn(Fixture.OPERATOR);
                browser.laptop().open("/console/models.html");
                assertThat(browser.find("#versions tr[data-id='" + bad + "'] .gate").getText())
                        .contains("rejected", "vs serving", "shared labels:", "held-out images");
                assertThat(browser.find("#versions tr[data-id='" + good + "'] .gate").getText()).contains("deployed");
            }
        }
    }
}
