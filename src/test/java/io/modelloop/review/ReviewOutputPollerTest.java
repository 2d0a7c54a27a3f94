package io.modelloop.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelloop.detection.CurrentLabels;
import io.modelloop.detection.Detection;
import io.modelloop.detection.JdbcDetectionStore;
import io.modelloop.ops.LoopMetrics;
import io.modelloop.runs.JdbcRunStore;
import io.modelloop.runs.RunRecorder;
import io.modelloop.storage.H2Database;
import io.modelloop.storage.LocalS3Server;
import io.modelloop.testing.RecordingNotifier;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * The results poller on S3Proxy and the H2 store: outputs are read once, also across a restart
 * (the processed outputs and each flow's cursor are durable), and an output written late, dated
 * before the cursor but within the margin, is still found.
 */
class ReviewOutputPollerTest {

    static final String BUCKET = "bucket";
    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3, 4};

    @TempDir
    Path dir;
    LocalS3Server server;
    S3Client s3;
    H2Database database;
    JdbcDetectionStore store;
    final List<String> outputReads = new CopyOnWriteArrayList<>();
    final RecordingNotifier notifier = new RecordingNotifier();

    @BeforeEach
    void start() {
        server = new LocalS3Server(dir.resolve("s3"), 0).start(BUCKET);
        ExecutionInterceptor countGets = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof GetObjectRequest get && get.key().endsWith("/output.json")) {
                    outputReads.add(get.key());
                }
            }
        };
        s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create())
                .overrideConfiguration(o -> o.addExecutionInterceptor(countGets)).build();
        s3.putObject(b -> b.bucket(BUCKET).key("images_for_detection/x.png"), RequestBody.fromBytes(PNG));
        database = new H2Database(dir.resolve("modelloop"));
        store = new JdbcDetectionStore(database);
    }

    @AfterEach
    void stop() {
        store.close();
        database.close();
        s3.close();
        server.close();
    }

    ReviewOutputPoller poller() {
        CurrentLabels labels = new CurrentLabels(s3, BUCKET, Duration.ZERO, Clock.systemUTC());
        ReviewResultsProcessor processor = new ReviewResultsProcessor(s3, BUCKET, store, labels,
                new RunRecorder(new JdbcRunStore(database), Clock.systemUTC()), notifier, new LoopMetrics(() -> null),
                Clock.systemUTC());
        return new ReviewOutputPoller(s3, BUCKET, processor, store, Duration.ofMinutes(15));
    }

    HumanLoop detectionWithLoop(String id) {
        Instant at = Instant.now();
        store.insertIfAbsent(new Detection(id, BUCKET + "/images_for_detection/x.png/" + id, at, BUCKET,
                "images_for_detection/x.png", "etag", null, "v1", Detection.Outcome.CLASSIFIED, null, "cat", 40.0, 70.0,
                true, false, null, null, null, null, null, null, at));
        HumanLoop loop = HumanLoop.open(HumanLoop.A2I_WORKFLOW, id, "cat", 40.0, BUCKET, "images_for_detection/x.png",
                List.of("cat", "dog"), at);
        store.attachLoop(id, loop.name(), HumanLoop.A2I_WORKFLOW);
        return loop;
    }

    String writeOutput(HumanLoop loop, String label, Instant at) {
        String key = HumanLoopOutput.key(BuiltinReviewService.FLOW_NAME, loop.name(), at);
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(
                HumanLoopOutput.write(loop, BuiltinReviewService.FLOW_DEFINITION, label, "alice", at, at)));
        return key;
    }

    @Test
    void outputsAreReadOnceAcrossARestartAndALateOutputIsStillFound() {
        Instant now = Instant.now();
        String first = writeOutput(detectionWithLoop("d1"), "cat", now.minusSeconds(60));
        String second = writeOutput(detectionWithLoop("d2"), "dog", now);

        assertThat(poller().poll()).containsExactly(first, second);
        assertThat(outputReads).containsExactly(first, second);

        ReviewOutputPoller restarted = poller(); // a new instance remembers nothing of its own
        outputReads.clear();
        assertThat(restarted.poll()).isEmpty();
        assertThat(restarted.poll()).isEmpty();
        assertThat(outputReads).as("no output is read again after a restart").isEmpty();

        // written now, dated 5 minutes before the newest output processed (e.g. written late after a crash)
        String late = writeOutput(detectionWithLoop("d3"), "cat", now.minusSeconds(300));
        assertThat(restarted.poll()).containsExactly(late);
        assertThat(outputReads).containsExactly(late);
        assertThat(store.get("d3").orElseThrow().humanLabel()).isEqualTo("cat");
        assertThat(notifier.events("HumanLoopCompleted")).hasSize(3);
    }

    @Test
    void theListingStartsAtTheCursorMinusTheMarginNotAtTheStartOfThePrefix() {
        Instant now = Instant.now();
        writeOutput(detectionWithLoop("old"), "cat", now.minus(Duration.ofHours(3)));
        poller().poll();
        String recent = writeOutput(detectionWithLoop("new"), "dog", now);
        poller().poll();
        outputReads.clear();

        // an output dated before the margin is not listed any more: the listing does not walk the whole prefix
        String ancient = writeOutput(detectionWithLoop("ancient"), "cat", now.minus(Duration.ofHours(2)));
        assertThat(poller().poll()).isEmpty();
        assertThat(outputReads).doesNotContain(ancient, recent);
    }

    @Test
    void aSecondOutputThatDisagreesIsRecordedAndNotifiedAndTheFirstAnswerStands() {
        HumanLoop loop = detectionWithLoop("d1");
        Instant now = Instant.now();
        writeOutput(loop, "cat", now.minusSeconds(2));
        ReviewOutputPoller poller = poller();
        poller.poll();
        String repeated = writeOutput(loop, "cat", now.minusSeconds(1));
        assertThat(poller.poll()).as("the same answer again is nothing new").isEmpty();
        assertThat(notifier.events("ConflictingHumanAnswer")).isEmpty();

        String conflicting = writeOutput(loop, "dog", now);
        assertThat(poller.poll()).containsExactly(conflicting);
        assertThat(notifier.events("ConflictingHumanAnswer")).singleElement().satisfies(n -> {
            assertThat(n.data()).containsEntry("label", "dog").containsEntry("recordedLabel", "cat")
                    .containsEntry("output", conflicting);
        });
        assertThat(store.get("d1").orElseThrow().humanLabel()).isEqualTo("cat");
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("images_labeled_by_folder/")).contents())
                .extracting(o -> o.key()).as("one copy, of the first answer")
                .singleElement().satisfies(k -> assertThat(k).startsWith("images_labeled_by_folder/cat/"));
        assertThat(repeated).isNotEqualTo(conflicting);
    }

    @Test
    void aLoopWhoseOutputWasProcessedCannotBeAnsweredAgain() {
        BuiltinReviewService service = new BuiltinReviewService(store, s3, BUCKET, Clock.systemUTC());
        HumanLoop loop = detectionWithLoop("d1");
        service.start(loop);
        // an output for the loop reached the results route while the store still shows the loop open
        writeOutput(loop, "cat", Instant.now());
        poller().poll();

        assertThatThrownBy(() -> service.answer(loop.name(), "dog", "bob")).isInstanceOfSatisfying(
                ReviewRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReviewRefusedException.Reason.ALREADY_ANSWERED);
                    assertThat(e.getMessage()).contains("already answered", "'cat'");
                });
    }
}
