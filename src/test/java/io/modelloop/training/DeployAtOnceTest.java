package io.modelloop.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelloop.ModelLoop;
import io.modelloop.model.ModelStatus;
import io.modelloop.model.TrainingImages;
import io.modelloop.runs.RunRecord;
import io.modelloop.testing.Fixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.camel.api.management.ManagedCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * "Deploy at once" end to end in the local profile: the training-progress poll is set to an hour,
 * so after its first tick (one second after start) it does not fire again during the test. A
 * training with the built-in model still ends with the new version serving: the backend's
 * "training finished" and "version running" events run the progress steps (gate, start, switch)
 * through route training-progress-now.
 */
class DeployAtOnceTest {

    static final List<String> CLASSES = List.of(TrainingImages.CIRCLE, TrainingImages.STRIPES, TrainingImages.CHECKERS);

    @TempDir
    Path data;

    @Test
    void aFinishedTrainingIsGatedStartedAndSwitchedInWithoutATimerTick() throws Exception {
        try (ModelLoop loop = Fixture.startLocal(data, Map.of("modelloop.training.poll-interval-ms", "3600000",
                "modelloop.builtin.epochs", "8"))) {
            // the timer's first tick comes one second after start; none follows within the hour
            await().atMost(Duration.ofSeconds(30)).until(() -> exchanges(loop, "training-progress") >= 1);
            long ticks = exchanges(loop, "training-progress");
            loop.parameters().set("Minimum-F1-Score", "0.5");

            Random r = new Random(7);
            for (String label : CLASSES) {
                for (int i = 0; i < 12; i++) {
                    byte[] img = TrainingImages.encode(TrainingImages.draw(label, r), "png");
                    String key = "images_labeled_by_folder/" + label + "/" + i + ".png";
                    loop.s3().putObject(b -> b.bucket("bucket").key(key), RequestBody.fromBytes(img));
                }
            }
            RunRecord check = loop.trainingPipeline().check("manual");
            assertThat(String.valueOf(check.output().get("decision"))).startsWith("training started");
            String version = String.valueOf(check.output().get("version"));
            String runId = String.valueOf(check.output().get("trainingRun"));

            // the run in progress is cleared just before its record is ended
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> loop.systemState().load().trainingRunInProgress() == null
                            && loop.runStore().get(runId).orElseThrow().status() != RunRecord.RunStatus.RUNNING);

            assertThat(loop.systemState().load().runningModelVersion()).as("the new version serves").isEqualTo(version);
            assertThat(loop.modelBackend().describe(version).status()).isEqualTo(ModelStatus.RUNNING);
            RunRecord run = loop.runStore().get(runId).orElseThrow();
            assertThat(run.status()).isEqualTo(RunRecord.RunStatus.SUCCEEDED);
            assertThat(run.steps()).extracting(RunRecord.Step::name)
                    .containsSubsequence("train", TrainingPipeline.F1_GATE, "start-version", "wait-running", "stop-previous");
            assertThat(run.steps()).filteredOn(s -> s.name().equals(TrainingPipeline.F1_GATE)).singleElement()
                    .satisfies(s -> {
                        assertThat(s.status()).isEqualTo(RunRecord.RunStatus.SUCCEEDED);
                        assertThat(s.output()).containsEntry("decision", "deploy");
                    });
            assertThat(exchanges(loop, "training-progress")).as("the poll did not fire again").isEqualTo(ticks);
            // training finished, then version running: each moved the run one phase along
            assertThat(exchanges(loop, "training-progress-now")).isGreaterThanOrEqualTo(2);
        }
    }

    static long exchanges(ModelLoop loop, String routeId) {
        ManagedCamelContext managed = loop.camel().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        return managed.getManagedRoute(routeId).getExchangesCompleted();
    }
}
