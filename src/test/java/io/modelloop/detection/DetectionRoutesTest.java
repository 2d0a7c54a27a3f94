package io.modelloop.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.model.TrainingImages;
import io.modelloop.ops.LoopMetrics;
import io.modelloop.parameters.FileParameterStore;
import io.modelloop.parameters.ParameterService;
import io.modelloop.parameters.ParameterVariables;
import io.modelloop.review.BuiltinReviewService;
import io.modelloop.review.ReviewRequests;
import io.modelloop.runs.JdbcRunStore;
import io.modelloop.runs.RunRecord;
import io.modelloop.runs.RunRecord.RunStatus;
import io.modelloop.runs.RunRecord.Step;
import io.modelloop.runs.RunRecorder;
import io.modelloop.runs.RunStore;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.storage.H2Database;
import io.modelloop.storage.LocalS3Server;
import io.modelloop.testing.LocalStoreClient;
import io.modelloop.testing.RecordingNotifier;
import io.modelloop.testing.RouteCounters;
import io.modelloop.testing.RekognitionStubs;
import io.modelloop.training.CurrentLabels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * routes/detection.yaml and routes/review.yaml on their own (Camel Main with only these two files),
 * with real parts behind the beans: the local S3 store, the H2 detection and run stores, the
 * built-in review service, the Rekognition client against protocol-level stubs (the model is
 * 55 % sure of every image). What the route decides shows in the records, the review queue, the
 * notifications and the counters of its choice branches.
 */
@CamelMainTest(properties = {
        "camel.main.routesIncludePattern=file:routes/detection.yaml,file:routes/review.yaml",
        "modelloop.detection.redrive-interval-ms=3600000"},
        configurationClasses = DetectionRoutesTest.Beans.class, useJmx = true)
class DetectionRoutesTest {

    static final String BUCKET = "bucket";
    static Path dir;
    static LocalS3Server server;
    static S3Client s3;
    static RekognitionStubs rek;
    static String version;
    static H2Database h2;
    static JdbcDetectionStore store;
    static ParameterService parameters;
    static SystemStateRepository systemState;
    static BuiltinReviewService review;
    static final RecordingNotifier NOTIFIER = new RecordingNotifier();
    static SavesCounted runStore;

    @BeanInject
    CamelContext context;

    /** The beans the two route files name, as ModelLoop binds them. */
    public static class Beans implements CamelConfiguration {
        @Override
        public void configure(CamelContext camel) {
            Clock clock = Clock.systemUTC();
            LoopMetrics metrics = new LoopMetrics(() -> null);
            CurrentLabels labels = new CurrentLabels(s3, BUCKET, Duration.ZERO, clock);
            runStore = new SavesCounted(new JdbcRunStore(h2));
            RunRecorder runs = new RunRecorder(runStore, clock);
            camel.getRegistry().bind("detectionSteps", new DetectionSteps(new ImageValidator(s3, 1 << 20),
                    rek.backend(BUCKET), store, systemState, runs, metrics, clock));
            camel.getRegistry().bind("detectionNotices", new DetectionNotices(NOTIFIER, metrics));
            camel.getRegistry().bind("detectionIdempotency", new DetectionIdempotency(store));
            camel.getRegistry().bind("detectionRedrive", new DetectionRedrive(store, systemState, 100));
            camel.getRegistry().bind("reviewRequests", new ReviewRequests(store, labels, NOTIFIER, metrics, clock));
            camel.getRegistry().bind("humanReview", review);
            camel.getRegistry().bind(ParameterVariables.BEAN_NAME, new ParameterVariables(parameters));
        }
    }

    @BeforeAll
    static void startParts() throws Exception {
        dir = Files.createTempDirectory("detection-routes");
        server = new LocalS3Server(dir.resolve("s3"), 0).start(BUCKET);
        s3 = LocalStoreClient.of(server);
        rek = RekognitionStubs.start("modelloop");
        rek.projectExists();
        version = rek.version("v1").completesWithF1(0.9).detects("cat", 55.0, "dog", 45.0).alreadyRunning().arn();
        h2 = new H2Database(dir.resolve("modelloop"));
        store = new JdbcDetectionStore(h2);
        FileParameterStore parameterStore = new FileParameterStore(dir.resolve("parameters.properties"));
        parameters = new ParameterService(parameterStore, NOTIFIER);
        parameters.start();
        systemState = new SystemStateRepository(parameterStore, Clock.systemUTC());
        systemState.update(s -> s.withRunningModelVersion(version));
        review = new BuiltinReviewService(store, s3, BUCKET, Clock.systemUTC());
        put("images_labeled_by_folder/cat/seed.png", image(TrainingImages.CIRCLE));
        put("images_labeled_by_folder/dog/seed.png", image(TrainingImages.STRIPES));
    }

    @AfterAll
    static void stopParts() {
        rek.close();
        s3.close();
        server.close();
        h2.close();
    }

    @BeforeEach
    void threshold() {
        parameters.set("Minimum-Label-Detection-Confidence", "70");
        NOTIFIER.clear();
    }

    @Test
    void anUnsureImageTakesTheBelowThresholdBranchAndGetsOneOpenLoop() {
        ObjectVersion o = upload("unsure.png", image(TrainingImages.CIRCLE));
        DetectionWork w = detect(o);

        assertThat(w.detection().outcome()).isEqualTo(Detection.Outcome.CLASSIFIED);
        assertThat(w.detection().threshold()).isEqualTo(70.0);
        String loop = store.get(o.detectionId()).orElseThrow().humanLoopName();
        assertThat(loop).isNotNull();
        assertThat(review.openLoops(100).loops()).extracting(HumanLoop::name).contains(loop);
        assertThat(NOTIFIER.events("HumanLoopStarted")).singleElement()
                .satisfies(n -> assertThat(n.details()).contains("unsure.png", "at 55.0% is below 70.0%"));
        assertThat(NOTIFIER.events("ImageClassified")).singleElement();
        assertThat(completed("send-to-review")).isPositive();
    }

    @Test
    void theSameObjectVersionTwiceIsRecordedOnceWithOneLoopAndOneNotification() {
        ObjectVersion o = upload("twice.png", image(TrainingImages.STRIPES));
        long duplicatesBefore = completed("load-record");
        Detection first = detect(o).detection();
        DetectionWork again = detect(o);

        assertThat(again.duplicate()).isTrue();
        assertThat(again.detection().id()).isEqualTo(first.id());
        assertThat(completed("load-record")).isEqualTo(duplicatesBefore + 1);
        assertThat(NOTIFIER.events("ImageClassified")).hasSize(1);
        assertThat(NOTIFIER.events("HumanLoopStarted")).hasSize(1);
        assertThat(review.openLoops(100).loops()).filteredOn(l -> l.detectionId().equals(first.id())).hasSize(1);
    }

    @Test
    void aLowerThresholdSetWhileRunningAppliesToTheNextImage() {
        parameters.set("Minimum-Label-Detection-Confidence", "50");
        ObjectVersion o = upload("sure-enough.png", image(TrainingImages.CIRCLE));
        long reviewedBefore = completed("send-to-review");

        DetectionWork w = detect(o);

        assertThat(w.detection().threshold()).isEqualTo(50.0);
        assertThat(store.get(o.detectionId()).orElseThrow().humanLoopName()).isNull();
        assertThat(completed("send-to-review")).isEqualTo(reviewedBefore);
        assertThat(NOTIFIER.events("HumanLoopStarted")).isEmpty();
    }

    @Test
    void aFileThatIsNotAnImageIsRejectedWithoutAskingTheModel() {
        ObjectVersion o = upload("notes.png", "<html>not an image</html>".getBytes());
        int modelCalls = rek.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl())).size();

        DetectionWork w = detect(o);

        assertThat(w.detection().outcome()).isEqualTo(Detection.Outcome.REJECTED);
        assertThat(w.detection().reason()).isNotBlank();
        assertThat(rek.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl())).size()).isEqualTo(modelCalls);
        assertThat(NOTIFIER.events("ImageRejected")).singleElement();
        assertThat(NOTIFIER.events("ImageClassified")).isEmpty();
    }

    @Test
    void theRunRecordOfADetectionHoldsEveryStepWithItsOutcomeAndIsSavedTwice() {
        parameters.set("Minimum-Label-Detection-Confidence", "50");
        ObjectVersion o = upload("steps.png", image(TrainingImages.CIRCLE));

        DetectionWork w = detect(o);

        RunRecord run = runOf(o).orElseThrow();
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.endedAt()).isNotNull();
        assertThat(run.output()).containsEntry("detection", w.detection().id()).containsEntry("outcome", "CLASSIFIED");
        assertThat(run.steps()).extracting(Step::name).containsExactly("validate", "classify");
        assertThat(run.steps()).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(s.endedAt()).isNotNull();
            assertThat(s.error()).isNull();
        });
        assertThat(run.steps().get(0).output()).containsEntry("contentType", "image/png");
        assertThat(run.steps().get(1).output()).containsEntry("label", "cat").containsEntry("confidence", 55.0)
                .containsEntry("modelVersion", version);
        // the steps so far before the detection record, and the finished run: not one save per step
        assertThat(runStore.saves(run.id())).isEqualTo(2);
    }

    @Test
    void aRunSentToReviewIsFinishedWithItsLoop() {
        ObjectVersion o = upload("steps-review.png", image(TrainingImages.STRIPES));

        DetectionWork w = detect(o);

        RunRecord run = runOf(o).orElseThrow();
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.output()).containsEntry("humanLoop", w.loopName());
        assertThat(run.steps()).extracting(Step::name, Step::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("validate", RunStatus.SUCCEEDED),
                        org.assertj.core.groups.Tuple.tuple("classify", RunStatus.SUCCEEDED));
    }

    @Test
    void aFailedStepIsRecordedWithItsErrorInAFailedRun() {
        rek.failNext("DetectCustomLabels", 1, "AccessDeniedException", "not allowed to detect");
        ObjectVersion o = upload("fails.png", image(TrainingImages.CIRCLE));

        NotifyBuilder done = new NotifyBuilder(context).fromRoute("detect").whenDone(1).create();
        Exchange result = context.createProducerTemplate().send("direct:detect", e -> e.getIn().setBody(o));
        assertThat(done.matches(10, TimeUnit.SECONDS)).isTrue();

        assertThat(result.getException()).as("the trigger sees the failure and delivers the image again").isNotNull();
        assertThat(store.get(o.detectionId())).as("no detection record for a failed detection").isEmpty();
        RunRecord run = runOf(o).orElseThrow();
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.endedAt()).isNotNull();
        assertThat(run.error()).contains("not allowed to detect");
        assertThat(run.steps()).extracting(Step::name).containsExactly("validate", "classify");
        assertThat(run.steps().get(0).status()).isEqualTo(RunStatus.SUCCEEDED);
        Step classify = run.steps().get(1);
        assertThat(classify.status()).isEqualTo(RunStatus.FAILED);
        assertThat(classify.error()).contains("not allowed to detect");
        assertThat(classify.endedAt()).isNotNull();
    }

    @Test
    void aRejectedImageKeepsItsFailedValidationStep() {
        ObjectVersion o = upload("rejected-steps.png", "plain text".getBytes());

        detect(o);

        RunRecord run = runOf(o).orElseThrow();
        assertThat(run.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(run.output()).containsEntry("outcome", "REJECTED");
        assertThat(run.steps()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("validate");
            assertThat(s.status()).isEqualTo(RunStatus.FAILED);
            assertThat(s.error()).contains("not a PNG or JPEG");
        });
    }

    /** The DETECTION run of an object version, as the store holds it. */
    private static Optional<RunRecord> runOf(ObjectVersion o) {
        List<RunRecord> runs = runStore.list(DetectionSteps.RUN_TYPE, null, null, 1000).stream()
                .filter(r -> o.idempotencyKey().equals(r.input().get("version"))).toList();
        assertThat(runs).as("one run record per detection of %s", o.key()).hasSizeLessThanOrEqualTo(1);
        return runs.stream().findFirst();
    }

    /** The real run store, counting the saves of each run. */
    record SavesCounted(RunStore store, Map<String, AtomicInteger> counts) implements RunStore {
        SavesCounted(RunStore store) {
            this(store, new ConcurrentHashMap<>());
        }

        int saves(String runId) {
            AtomicInteger n = counts.get(runId);
            return n == null ? 0 : n.get();
        }

        @Override
        public void save(RunRecord run) {
            store.save(run);
            counts.computeIfAbsent(run.id(), k -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public Optional<RunRecord> get(String id) {
            return store.get(id);
        }

        @Override
        public List<RunRecord> list(String type, RunStatus status, Instant before, int limit) {
            return store.list(type, status, before, limit);
        }
    }

    private DetectionWork detect(ObjectVersion o) {
        NotifyBuilder done = new NotifyBuilder(context).fromRoute("detect").whenDone(1).create();
        ProducerTemplate template = context.createProducerTemplate();
        DetectionWork w = template.requestBody("direct:detect", o, DetectionWork.class);
        assertThat(done.matches(10, TimeUnit.SECONDS)).isTrue();
        return w;
    }

    long completed(String processorId) {
        return RouteCounters.completed(context, processorId);
    }

    static ObjectVersion upload(String name, byte[] body) {
        String key = "images_for_detection/" + name;
        String etag = put(key, body);
        return new ObjectVersion(BUCKET, key, etag, null, (long) body.length, Instant.now());
    }

    static String put(String key, byte[] body) {
        return s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(body)).eTag().replace("\"", "");
    }

    static byte[] image(String kind) {
        return TrainingImages.encode(TrainingImages.draw(kind, new Random(kind.hashCode())), "png");
    }
}
