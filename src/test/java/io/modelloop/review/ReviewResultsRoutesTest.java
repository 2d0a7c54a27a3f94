package io.modelloop.review;

import io.modelloop.detection.Detection;
import io.modelloop.detection.HumanLoop;
import io.modelloop.detection.JdbcDetectionStore;
import io.modelloop.ops.LoopMetrics;
import io.modelloop.runs.JdbcRunStore;
import io.modelloop.runs.RunRecorder;
import io.modelloop.storage.H2Database;
import io.modelloop.storage.LocalS3Server;
import io.modelloop.testing.LocalStoreClient;
import io.modelloop.testing.RecordingNotifier;
import io.modelloop.testing.RouteCounters;
import io.modelloop.training.CurrentLabels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


/**
 * routes/review-results.yaml on its own (Camel Main with only this file), on S3Proxy and the H2
 * store, the timer replaced by direct:poll so each poll is one call: outputs are read once, also
 * across a restart (the processed outputs and each flow's cursor are durable), an output written
 * late is still found, the answer kinds take their branches, and a review label is copied into
 * the training folder by the aws2-s3 endpoint.
 */
@CamelMainTest(properties = {
        "camel.main.routesIncludePattern=file:routes/review-results.yaml",
        "modelloop.bucket=" + ReviewResultsRoutesTest.BUCKET,
        "modelloop.review.results-interval-ms=3600000"},
        replaceRouteFromWith = "review-results=direct:poll",
        configurationClasses = ReviewResultsRoutesTest.Beans.class, useJmx = true)
class ReviewResultsRoutesTest {

    static final String BUCKET = "bucket";
    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3, 4};
    static Path dir;
    static LocalS3Server server;
    static S3Client s3;
    static H2Database database;
    static JdbcDetectionStore store;
    static final List<String> OUTPUT_READS = new CopyOnWriteArrayList<>();
    static final RecordingNotifier NOTIFIER = new RecordingNotifier();

    @BeanInject
    CamelContext context;

    /** The beans the route file names, as ModelLoop binds them. */
    public static class Beans implements CamelConfiguration {
        @Override
        public void configure(CamelContext camel) {
            camel.getRegistry().bind("s3Client", s3);
            camel.getRegistry().bind("reviewOutputPoller", poller());
            camel.getRegistry().bind("reviewAnswers", new ReviewAnswers(s3, BUCKET, store,
                    new CurrentLabels(s3, BUCKET, Duration.ZERO, Clock.systemUTC()),
                    new RunRecorder(new JdbcRunStore(database), Clock.systemUTC()), NOTIFIER,
                    new LoopMetrics(() -> null), Clock.systemUTC()));
        }
    }

    @BeforeAll
    static void startParts() throws Exception {
        dir = Files.createTempDirectory("review-results");
        server = new LocalS3Server(dir.resolve("s3"), 0).start(BUCKET);
        ExecutionInterceptor countGets = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof GetObjectRequest get && get.key().endsWith("/output.json")) {
                    OUTPUT_READS.add(get.key());
                }
            }
        };
        s3 = LocalStoreClient.builder(server)
                .overrideConfiguration(o -> o.addExecutionInterceptor(countGets)).build();
        s3.putObject(b -> b.bucket(BUCKET).key("images_for_detection/x.png"), RequestBody.fromBytes(PNG));
        database = new H2Database(dir.resolve("modelloop"));
        store = new JdbcDetectionStore(database);
    }

    @AfterAll
    static void stopParts() {
        store.close();
        database.close();
        s3.close();
        server.close();
    }

    @BeforeEach
    void clear() {
        OUTPUT_READS.clear();
        NOTIFIER.clear();
    }

    static ReviewOutputPoller poller() {
        return new ReviewOutputPoller(s3, BUCKET, store, Duration.ofMinutes(15));
    }

    /** One poll of the results route: finds the new outputs and processes each. */
    void poll() {
        context.createProducerTemplate().sendBody("direct:poll", null);
    }

    HumanLoop detectionWithLoop(String id) {
        Instant at = Instant.now();
        store.insertIfAbsent(Detection.builder().id(id).objectKey(BUCKET + "/images_for_detection/x.png/" + id)
                .detectedAt(at).bucket(BUCKET).key("images_for_detection/x.png").etag("etag").modelVersion("v1")
                .outcome(Detection.Outcome.CLASSIFIED).label("cat").confidence(40.0).threshold(70.0).reviewEnabled(true)
                .uploadedAt(at).build());
        HumanLoop loop = HumanLoop.open(HumanLoop.A2I_WORKFLOW, id, "cat", 40.0, BUCKET, "images_for_detection/x.png",
                List.of("cat", "dog"), at);
        store.attachLoop(id, loop.name(), HumanLoop.A2I_WORKFLOW);
        return loop;
    }

    String writeOutput(String flow, HumanLoop loop, String label, Instant at) {
        String key = HumanLoopOutput.key(flow, loop.name(), at);
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(
                HumanLoopOutput.write(loop, BuiltinReviewService.FLOW_DEFINITION, label, "alice", at, at)));
        return key;
    }

    long completed(String processorId) {
        return RouteCounters.completed(context, processorId);
    }

    List<String> copiesOf(HumanLoop loop) {
        return s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("images_labeled_by_folder/")).contents().stream()
                .map(o -> o.key()).filter(k -> k.contains(loop.name())).toList();
    }

    @Test
    void outputsAreReadOnceAcrossARestartAndALateOutputIsStillFound() {
        String flow = "flow-restart";
        Instant now = Instant.now();
        HumanLoop l1 = detectionWithLoop("r1");
        String first = writeOutput(flow, l1, "cat", now.minusSeconds(60));
        String second = writeOutput(flow, detectionWithLoop("r2"), "dog", now);

        poll();
        assertThat(OUTPUT_READS).containsExactly(first, second);
        assertThat(copiesOf(l1)).singleElement().satisfies(k -> assertThat(k).startsWith("images_labeled_by_folder/cat/"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(copiesOf(l1).get(0))).asByteArray()).isEqualTo(PNG);

        ReviewOutputPoller restarted = poller(); // a new instance remembers nothing of its own
        OUTPUT_READS.clear();
        assertThat(restarted.newOutputs()).as("nothing is new after a restart").isEmpty();
        poll();
        assertThat(OUTPUT_READS).as("no output is read again").isEmpty();

        // written now, dated 5 minutes before the newest output processed (e.g. written late after a crash)
        String late = writeOutput(flow, detectionWithLoop("r3"), "cat", now.minusSeconds(300));
        assertThat(restarted.newOutputs()).containsExactly(late);
        poll();
        assertThat(OUTPUT_READS).containsExactly(late);
        assertThat(store.get("r3").orElseThrow().humanLabel()).isEqualTo("cat");
        assertThat(NOTIFIER.events("HumanLoopCompleted")).hasSize(3);
    }

    @Test
    void theListingStartsAtTheCursorMinusTheMarginNotAtTheStartOfThePrefix() {
        String flow = "flow-margin";
        Instant now = Instant.now();
        writeOutput(flow, detectionWithLoop("m-old"), "cat", now.minus(Duration.ofHours(3)));
        poll();
        String recent = writeOutput(flow, detectionWithLoop("m-new"), "dog", now);
        poll();
        OUTPUT_READS.clear();

        // an output dated before the margin is not listed any more: the listing does not walk the whole prefix
        String ancient = writeOutput(flow, detectionWithLoop("m-ancient"), "cat", now.minus(Duration.ofHours(2)));
        assertThat(poller().newOutputs()).doesNotContain(ancient, recent);
        poll();
        assertThat(OUTPUT_READS).doesNotContain(ancient, recent);
    }

    @Test
    void aSecondOutputThatDisagreesIsRecordedAndNotifiedAndTheFirstAnswerStands() {
        String flow = "flow-conflict";
        HumanLoop loop = detectionWithLoop("c1");
        Instant now = Instant.now();
        writeOutput(flow, loop, "cat", now.minusSeconds(2));
        poll();
        long repeats = completed("nothing-new");
        String repeated = writeOutput(flow, loop, "cat", now.minusSeconds(1));
        poll();
        assertThat(completed("nothing-new")).as("the same answer again is nothing new").isEqualTo(repeats + 1);
        assertThat(NOTIFIER.events("ConflictingHumanAnswer")).isEmpty();

        String conflicting = writeOutput(flow, loop, "dog", now);
        poll();
        assertThat(NOTIFIER.events("ConflictingHumanAnswer")).singleElement().satisfies(n -> {
            assertThat(n.data()).containsEntry("label", "dog").containsEntry("recordedLabel", "cat")
                    .containsEntry("output", conflicting);
        });
        assertThat(store.get("c1").orElseThrow().humanLabel()).isEqualTo("cat");
        assertThat(copiesOf(loop)).as("one copy, of the first answer")
                .singleElement().satisfies(k -> assertThat(k).startsWith("images_labeled_by_folder/cat/"));
        assertThat(repeated).isNotEqualTo(conflicting);
    }

    @Test
    void aLoopWhoseOutputWasProcessedCannotBeAnsweredAgain() {
        BuiltinReviewService service = new BuiltinReviewService(store, s3, BUCKET, Clock.systemUTC());
        HumanLoop loop = detectionWithLoop("a1");
        service.start(loop);
        // an output for the loop reached the results route while the store still shows the loop open
        writeOutput("flow-answered", loop, "cat", Instant.now());
        poll();

        assertThatThrownBy(() -> service.answer(loop.name(), "dog", "bob")).isInstanceOfSatisfying(
                ReviewRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReviewRefusedException.Reason.ALREADY_ANSWERED);
                    assertThat(e.getMessage()).contains("already answered", "'cat'");
                });
    }

    @Test
    void eachKindOfAnswerTakesItsBranchAndOnlyAReviewLabelCopiesTheImage() {
        String flow = "flow-kinds";
        Instant now = Instant.now();
        HumanLoop none = detectionWithLoop("k-none");
        HumanLoop refused = detectionWithLoop("k-refused");
        HumanLoop label = detectionWithLoop("k-label");
        writeOutput(flow, none, HumanLoop.NONE_OF_THE_ABOVE, now.minusSeconds(3));
        writeOutput(flow, refused, "../etc", now.minusSeconds(2));
        writeOutput(flow, label, "dog", now.minusSeconds(1));
        String malformed = HumanLoopOutput.key(flow, "broken", now);
        s3.putObject(b -> b.bucket(BUCKET).key(malformed), RequestBody.fromString("{ not json"));
        long noneBefore = completed("record-none-of-the-above");
        long refusedBefore = completed("refuse-label");
        long copiedBefore = completed("copy-into-training-set");
        long invalidBefore = completed("notify-invalid-output");

        poll();

        assertThat(completed("record-none-of-the-above")).isEqualTo(noneBefore + 1);
        assertThat(completed("refuse-label")).isEqualTo(refusedBefore + 1);
        assertThat(completed("copy-into-training-set")).isEqualTo(copiedBefore + 1);
        assertThat(completed("notify-invalid-output")).isEqualTo(invalidBefore + 1);
        assertThat(copiesOf(none)).isEmpty();
        assertThat(copiesOf(refused)).isEmpty();
        assertThat(copiesOf(label)).singleElement().satisfies(k -> assertThat(k).startsWith("images_labeled_by_folder/dog/"));
        assertThat(store.get("k-label").orElseThrow().copiedKey()).isEqualTo(copiesOf(label).get(0));
        assertThat(NOTIFIER.events("HumanLoopLabelRejected")).singleElement();
        assertThat(NOTIFIER.events("HumanLoopOutputInvalid")).singleElement()
                .satisfies(n -> assertThat(n.details()).contains(malformed));
        OUTPUT_READS.clear();
        poll();
        assertThat(OUTPUT_READS).as("every kind is marked processed, the malformed one too").isEmpty();
    }
}
