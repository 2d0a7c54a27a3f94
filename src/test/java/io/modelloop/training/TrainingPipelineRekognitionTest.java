package io.modelloop.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.ModelLoop;
import io.modelloop.parameters.FileParameterStore;
import io.modelloop.runs.RunRecord;
import io.modelloop.state.SystemState;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.RekognitionStubs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The training pipeline (SPEC 4.4) end to end in a running ModelLoop whose model backend is
 * Rekognition Custom Labels, stubbed at the protocol level: the real SDK client runs.
 */
class TrainingPipelineRekognitionTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    RekognitionStubs rek;
    ModelLoop loop;

    @BeforeEach
    void stubs() {
        rek = RekognitionStubs.start("modelloop");
        rek.projectExists();
    }

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.close();
        }
        rek.close();
    }

    ModelLoop start() throws Exception {
        Map<String, String> s = new HashMap<>(rek.settings());
        s.put("modelloop.model.backend", "rekognition");
        s.put("modelloop.training.poll-interval-ms", "150");
        loop = Fixture.startLocal(data, s);
        return loop;
    }

    /** Puts n images per label under images_labeled_by_folder/. */
    void label(int perLabel, String... labels) {
        for (String label : labels) {
            for (int i = 0; i < perLabel; i++) {
                String key = "images_labeled_by_folder/" + label + "/img-" + i + ".jpg";
                loop.s3().putObject(b -> b.bucket("bucket").key(key), RequestBody.fromBytes(new byte[] {(byte) 0xFF, (byte) 0xD8, 1}));
            }
        }
    }

    /** The system state as a new pod would read it. */
    SystemState state() {
        return new SystemStateRepository(new FileParameterStore(data.resolve("parameters.properties")), Clock.systemUTC()).load();
    }

    void seedServing(String versionArn, int trainedImages) {
        new SystemStateRepository(new FileParameterStore(data.resolve("parameters.properties")), Clock.systemUTC())
                .update(s -> s.withRunningModelVersion(versionArn).withTrainedImageCount(trainedImages));
    }

    List<String> events() throws IOException {
        Path f = data.resolve("notifications.jsonl");
        List<String> out = new ArrayList<>();
        if (Files.exists(f)) {
            for (String line : Files.readAllLines(f)) {
                out.add(JSON.readTree(line).path("event").asText());
            }
        }
        return out;
    }

    JsonNode checkNow() throws IOException {
        var r = Fixture.send(HttpRequest.newBuilder(URI.create(Fixture.httpBase(loop) + "/api/training/check"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void goodF1DeploysTheNewVersionThenStopsTheOldOne() throws Exception {
        String old = rek.version("v-old").completesWithF1(0.85).stoppingFor(1).alreadyRunning().arn();
        rek.anyVersion().trainingFor(2).completesWithF1(0.93).startingFor(2).install();
        seedServing(old, 0);
        start();
        label(6, "cat", "dog");

        JsonNode check = checkNow();
        assertThat(check.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(check.path("output").path("decision").asText()).startsWith("training started");
        String version = check.path("output").path("version").asText();

        await().atMost(Duration.ofSeconds(20)).until(() -> state().trainingRunInProgress() == null);
        SystemState s = state();
        assertThat(s.runningModelVersion()).isEqualTo(rek.versionArn(version));
        assertThat(s.trainedImageCount()).isEqualTo(12);

        // the manifest it trained from: 12 Ground Truth lines, named in CreateProjectVersion
        JsonNode create = rek.requests("CreateProjectVersion").get(0);
        String manifestKey = create.path("TrainingData").path("Assets").get(0).path("GroundTruthManifest")
                .path("S3Object").path("Name").asText();
        assertThat(manifestKey).isEqualTo("manifests/" + version + ".manifest");
        String manifest = loop.s3().getObjectAsBytes(b -> b.bucket("bucket").key(manifestKey)).asUtf8String();
        assertThat(manifest.lines()).hasSize(12).allSatisfy(l -> assertThat(l).contains("\"class-name\""));
        assertThat(create.path("TestingData").path("AutoCreate").asBoolean()).isTrue();
        assertThat(create.path("OutputConfig").path("S3KeyPrefix").asText()).isEqualTo("evaluation/" + version + "/");

        // blue/green: started with the inference units, old stopped only after the switch
        assertThat(rek.requests("StartProjectVersion")).singleElement()
                .satisfies(r -> assertThat(r.path("MinInferenceUnits").asInt()).isEqualTo(1));
        assertThat(rek.requests("StopProjectVersion")).singleElement()
                .satisfies(r -> assertThat(r.path("ProjectVersionArn").asText()).isEqualTo(old));
        await().atMost(Duration.ofSeconds(5)).until(() -> events().contains("ModelStopped"));
        assertThat(events()).contains("TrainingCheck").containsSubsequence("TrainingStarted", "TrainingCompleted",
                "ModelDeploying", "ModelRunning", "ModelStopped");

        // the run record shows every step with timings
        String runId = check.path("output").path("trainingRun").asText();
        RunRecord run = loop.runStore().get(runId).orElseThrow();
        assertThat(run.status()).isEqualTo(RunRecord.RunStatus.SUCCEEDED);
        assertThat(run.steps()).extracting(RunRecord.Step::name).containsExactly("write-manifest", "create-version",
                "train", "f1-gate", "challenger-gate", "start-version", "wait-running", "stop-previous");
        RunRecord.Step gate = run.steps().get(4);
        assertThat(gate.output()).containsEntry("decision", "deploy").containsEntry("rule", "challenger")
                .containsEntry("candidateSharedF1", 0.93).containsEntry("servingSharedF1", 0.85);
        assertThat(run.steps()).allSatisfy(st -> assertThat(st.durationMs()).isNotNull());
        var runsApi = JSON.readTree(Fixture.get(Fixture.httpBase(loop) + "/api/runs?type=TRAINING_RUN").body());
        assertThat(runsApi.path("runs").get(0).path("id").asText()).isEqualTo(runId);
        var models = JSON.readTree(Fixture.get(Fixture.httpBase(loop) + "/api/models").body());
        assertThat(models.path("serving").asText()).isEqualTo(rek.versionArn(version));
    }

    @Test
    void f1BelowTheMinimumKeepsTheOldModelAndTheSameImagesDoNotRetrain() throws Exception {
        String old = rek.version("v-old").completesWithF1(0.85).alreadyRunning().arn();
        rek.anyVersion().trainingFor(1).completesWithF1(0.5).install();
        seedServing(old, 0);
        start();
        label(6, "cat", "dog");

        checkNow();
        await().atMost(Duration.ofSeconds(20)).until(() -> events().contains("FailedF1Evaluation"));
        await().atMost(Duration.ofSeconds(5)).until(() -> state().trainingRunInProgress() == null);
        assertThat(state().runningModelVersion()).isEqualTo(old);
        // refused, not trained: no deployed version learned from them, but they do not retrain
        assertThat(state().trainedImageCount()).isZero();
        assertThat(state().refusedImageCount()).isEqualTo(12);
        assertThat(rek.count("StartProjectVersion")).isZero();
        assertThat(rek.count("StopProjectVersion")).isZero();

        JsonNode again = checkNow();
        assertThat(again.path("output").path("decision").asText()).contains("0 new labeled image(s)").contains("10 needed");
        assertThat(rek.count("CreateProjectVersion")).isEqualTo(1);
    }

    List<JsonNode> notifications(String event) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        Path f = data.resolve("notifications.jsonl");
        if (Files.exists(f)) {
            for (String line : Files.readAllLines(f)) {
                JsonNode n = JSON.readTree(line);
                if (event.equals(n.path("event").asText())) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    void putSummary(RekognitionStubs.Version v) {
        loop.s3().putObject(b -> b.bucket("bucket").key(v.summaryKey()), RequestBody.fromString(v.summaryJson()));
    }

    /** The run record of the one training run, once it has ended. */
    RunRecord trainingRun() {
        return loop.runStore().list("TRAINING_RUN", null, null, 1).get(0);
    }

    @Test
    void aCandidateAboveTheMinimumButWorseThanTheServingVersionIsRejected() throws Exception {
        var serving = rek.version("v-old").completesWithF1(0.95).evaluatedPerLabel("bucket", "cat", 0.96, "dog", 0.94);
        String old = serving.alreadyRunning().arn();
        var candidate = rek.anyVersion().trainingFor(1).completesWithF1(0.85)
                .evaluatedPerLabel("bucket", "cat", 0.86, "dog", 0.84).install();
        seedServing(old, 0);
        start();
        putSummary(serving);
        putSummary(candidate);
        label(6, "cat", "dog");

        checkNow();
        await().atMost(Duration.ofSeconds(20)).until(() -> events().contains("CandidateRejected"));
        await().atMost(Duration.ofSeconds(5)).until(() -> state().trainingRunInProgress() == null);
        // the serving version stays; the candidate's images are refused like a failed F1 evaluation
        assertThat(state().runningModelVersion()).isEqualTo(old);
        assertThat(state().refusedImageCount()).isEqualTo(12);
        assertThat(rek.count("StartProjectVersion")).isZero();
        assertThat(rek.count("StopProjectVersion")).isZero();
        assertThat(events()).doesNotContain("FailedF1Evaluation", "ModelDeploying");

        JsonNode rejected = notifications("CandidateRejected").get(0);
        assertThat(rejected.path("details").asText()).contains("not deployed", "0.850", "0.950", "0.02");
        JsonNode numbers = rejected.path("data");
        assertThat(numbers.path("rule").asText()).isEqualTo("challenger");
        assertThat(numbers.path("candidateSharedF1").asDouble()).isCloseTo(0.85, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(numbers.path("servingSharedF1").asDouble()).isCloseTo(0.95, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(numbers.path("tolerance").asDouble()).isEqualTo(0.02);
        assertThat(numbers.path("method").asText()).contains("own automatic test split");

        RunRecord run = trainingRun();
        assertThat(run.status()).isEqualTo(RunRecord.RunStatus.FAILED);
        assertThat(run.error()).contains("rejected by rule challenger");
        assertThat(run.steps()).extracting(RunRecord.Step::name).containsExactly("write-manifest", "create-version",
                "train", "f1-gate", "challenger-gate");
        RunRecord.Step gate = run.steps().get(4);
        assertThat(gate.status()).isEqualTo(RunRecord.RunStatus.FAILED);
        assertThat(gate.output()).containsEntry("decision", "reject").containsEntry("rule", "challenger")
                .containsEntry("sharedLabels", List.of("cat", "dog"));

        JsonNode again = checkNow();
        assertThat(again.path("output").path("decision").asText()).contains("0 new labeled image(s)");
        assertThat(rek.count("CreateProjectVersion")).isEqualTo(1);
    }

    @Test
    void aCandidateWithANewLabelIsJudgedOnTheSharedLabelsAndItsOwnF1OnTheNewOne() throws Exception {
        var serving = rek.version("v-old").completesWithF1(0.9).evaluatedPerLabel("bucket", "cat", 0.9, "dog", 0.9);
        String old = serving.alreadyRunning().arn();
        // as good on cat and dog, but the new label bird is poor: overall F1 0.8 passes Minimum-F1-Score
        var candidate = rek.anyVersion().trainingFor(1).completesWithF1(0.8)
                .evaluatedPerLabel("bucket", "cat", 0.95, "dog", 0.95, "bird", 0.5).install();
        seedServing(old, 0);
        start();
        putSummary(serving);
        putSummary(candidate);
        label(6, "cat", "dog", "bird");

        checkNow();
        await().atMost(Duration.ofSeconds(20)).until(() -> events().contains("CandidateRejected"));
        await().atMost(Duration.ofSeconds(5)).until(() -> state().trainingRunInProgress() == null);
        assertThat(state().runningModelVersion()).isEqualTo(old);
        JsonNode numbers = notifications("CandidateRejected").get(0).path("data");
        assertThat(numbers.path("rule").asText()).isEqualTo("new-label-f1");
        assertThat(numbers.path("newLabels").toString()).isEqualTo("[\"bird\"]");
        assertThat(numbers.path("candidateNewLabelsF1").asDouble()).isEqualTo(0.5);
        assertThat(numbers.path("candidateSharedF1").asDouble()).isCloseTo(0.95, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(trainingRun().error()).contains("new-label-f1", "bird");
    }

    @Test
    void aCandidateWithAGoodNewLabelAndAsGoodOnTheSharedOnesIsDeployed() throws Exception {
        var serving = rek.version("v-old").completesWithF1(0.9).evaluatedPerLabel("bucket", "cat", 0.9, "dog", 0.9)
                .stoppingFor(1);
        String old = serving.alreadyRunning().arn();
        // slightly lower on the shared labels, within the tolerance; bird well above Minimum-F1-Score
        var candidate = rek.anyVersion().trainingFor(1).completesWithF1(0.9).startingFor(1)
                .evaluatedPerLabel("bucket", "cat", 0.89, "dog", 0.89, "bird", 0.92).install();
        seedServing(old, 0);
        start();
        putSummary(serving);
        putSummary(candidate);
        label(6, "cat", "dog", "bird");

        String version = checkNow().path("output").path("version").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> state().trainingRunInProgress() == null);
        assertThat(state().runningModelVersion()).isEqualTo(rek.versionArn(version));
        assertThat(events()).doesNotContain("CandidateRejected");
        RunRecord.Step gate = trainingRun().steps().stream().filter(st -> st.name().equals("challenger-gate"))
                .findFirst().orElseThrow();
        assertThat(gate.output()).containsEntry("decision", "deploy").containsEntry("rule", "new-label-f1")
                .containsEntry("newLabels", List.of("bird")).containsEntry("candidateNewLabelsF1", 0.92);
    }

    @Test
    void failedTrainingIsNotifiedAndNothingIsDeployed() throws Exception {
        rek.anyVersion().trainingFor(1).failsWith("The manifest file contains too many invalid data objects.").install();
        start();
        label(6, "cat", "dog");

        checkNow();
        await().atMost(Duration.ofSeconds(20)).until(() -> events().contains("TrainingFailed"));
        await().atMost(Duration.ofSeconds(5)).until(() -> state().trainingRunInProgress() == null);
        assertThat(state().runningModelVersion()).isNull();
        assertThat(state().trainedImageCount()).isZero();
        RunRecord run = loop.runStore().list("TRAINING_RUN", null, null, 1).get(0);
        assertThat(run.status()).isEqualTo(RunRecord.RunStatus.FAILED);
        assertThat(run.error()).contains("too many invalid data objects");
    }

    @Test
    void throttledCreateIsRetriedAndTrainingStarts() throws Exception {
        rek.anyVersion().trainingFor(5).completesWithF1(0.9).install();
        rek.failNext("CreateProjectVersion", 2, "ThrottlingException", "Rate exceeded");
        start();
        label(6, "cat", "dog");

        JsonNode check = checkNow();
        assertThat(check.path("output").path("decision").asText()).startsWith("training started");
        assertThat(rek.count("CreateProjectVersion")).isEqualTo(3);
        assertThat(state().trainingRunInProgress()).isNotNull();
    }

    @Test
    void checksDoNotTrainOnTooFewImagesOneLabelOrWhileTraining() throws Exception {
        rek.anyVersion().trainingFor(1000).completesWithF1(0.9).install();
        start();
        label(3, "cat");
        assertThat(checkNow().path("output").path("decision").asText()).contains("at least two labels");
        label(2, "dog");
        JsonNode few = checkNow();
        assertThat(few.path("output").path("decision").asText()).contains("5 new labeled image(s)").contains("10 needed");
        assertThat(few.path("output").path("images").asInt()).isEqualTo(5);
        label(8, "dog");
        assertThat(checkNow().path("output").path("decision").asText()).startsWith("training started");
        assertThat(checkNow().path("output").path("decision").asText()).contains("is in progress");
        assertThat(rek.count("CreateProjectVersion")).isEqualTo(1);
    }

    @Test
    void restartDuringTrainingResumesTheSameRunWithoutASecondTraining() throws Exception {
        rek.anyVersion().trainingFor(8).completesWithF1(0.95).startingFor(1).install();
        start();
        label(6, "cat", "dog");
        String version = checkNow().path("output").path("version").asText();
        loop.close();
        assertThat(state().trainingRunInProgress()).isNotNull();

        start();
        await().atMost(Duration.ofSeconds(20)).until(() -> state().trainingRunInProgress() == null);
        assertThat(state().runningModelVersion()).isEqualTo(rek.versionArn(version));
        assertThat(rek.count("CreateProjectVersion")).isEqualTo(1);
        assertThat(rek.count("StartProjectVersion")).isEqualTo(1);
    }
}
