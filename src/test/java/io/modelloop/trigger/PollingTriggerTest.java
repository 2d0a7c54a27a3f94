package io.modelloop.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelloop.ModelLoop;
import io.modelloop.detection.ObjectVersion;
import io.modelloop.testing.DetectRecorder;
import io.modelloop.testing.Fixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/** The polling trigger of a real local ModelLoop; a recording route stands in for the detection route. */
class PollingTriggerTest {

    private static final int CONCURRENCY = 2;
    private static final Map<String, String> FAST = Map.of("modelloop.poll.interval-ms", "200");
    /** The trigger route is created but waits for the test to start it (after installing its recorder). */
    private static final Map<String, String> HELD = Map.of("modelloop.poll.interval-ms", "200",
            "modelloop.poll.concurrent-consumers", String.valueOf(CONCURRENCY), "modelloop.trigger.poll.auto-startup", "false");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path data;
    private ModelLoop loop;

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    private void put(String key, String content) {
        loop.s3().putObject(b -> b.bucket("bucket").key(key), RequestBody.fromString(content));
    }

    private static void awaitDelivered(DetectRecorder recorder, String key) {
        await().atMost(WAIT).until(() -> recorder.deliveredKeys().contains(key));
    }

    @Test
    void objectsPutThroughS3AndFilesCopiedIntoTheFolderArriveOnce() throws Exception {
        loop = Fixture.startLocal(data, FAST);
        DetectRecorder recorder = DetectRecorder.install(loop.camel());
        assertThat(loop.camel().getRoute(PollingTrigger.ROUTE_ID)).isNotNull();
        assertThat(loop.camel().getRoute(SqsTrigger.ROUTE_ID)).isNull();

        put("images_for_detection/red flower+1 é.jpg", "jpeg bytes");
        put("images_for_detection/camera-1/nested.png", "png bytes");
        put("images_for_detection/empty.jpg", "");
        put("images_for_detection/folder/", "");
        put("images_labeled_by_folder/rose/outside.jpg", "not for detection");
        Path dir = data.resolve("bucket").resolve("images_for_detection");
        Files.writeString(dir.resolve("copied by hand.jpg"), "copied bytes", StandardCharsets.UTF_8);

        awaitDelivered(recorder, "images_for_detection/red flower+1 é.jpg");
        awaitDelivered(recorder, "images_for_detection/camera-1/nested.png");
        awaitDelivered(recorder, "images_for_detection/copied by hand.jpg");
        // later ticks list the same objects again; a sentinel shows several ticks went by
        put("images_for_detection/sentinel.jpg", "s");
        awaitDelivered(recorder, "images_for_detection/sentinel.jpg");
        Files.writeString(dir.resolve("sentinel-2.jpg"), "s2", StandardCharsets.UTF_8);
        awaitDelivered(recorder, "images_for_detection/sentinel-2.jpg");

        assertThat(recorder.deliveredKeys()).containsExactlyInAnyOrder("images_for_detection/red flower+1 é.jpg",
                "images_for_detection/camera-1/nested.png", "images_for_detection/copied by hand.jpg",
                "images_for_detection/sentinel.jpg", "images_for_detection/sentinel-2.jpg");
        ObjectVersion copied = recorder.delivered().stream().filter(v -> v.key().endsWith("copied by hand.jpg")).findFirst()
                .orElseThrow();
        assertThat(copied.etag()).as("the version of a copied file is its content hash").isNotBlank();
        assertThat(copied.size()).isEqualTo(12L);
        assertThat(copied.bucket()).isEqualTo("bucket");
    }

    @Test
    void twoImagesAreInDetectionAtOnce() throws Exception {
        loop = Fixture.startLocal(data, HELD);
        DetectRecorder recorder = DetectRecorder.install(loop.camel());
        // each detection waits until another one is in progress: one at a time, neither would finish
        java.util.concurrent.CountDownLatch bothIn = new java.util.concurrent.CountDownLatch(2);
        recorder.whileProcessing(() -> {
            bothIn.countDown();
            try {
                assertThat(bothIn.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                        .as("a second detection started while this one ran").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        put("images_for_detection/one.jpg", "1");
        put("images_for_detection/two.jpg", "2");
        // both are there before the first listing
        loop.camel().getRouteController().startRoute(PollingTrigger.ROUTE_ID);

        awaitDelivered(recorder, "images_for_detection/one.jpg");
        awaitDelivered(recorder, "images_for_detection/two.jpg");
        assertThat(recorder.attempts("images_for_detection/one.jpg")).isEqualTo(1);
        assertThat(recorder.attempts("images_for_detection/two.jpg")).isEqualTo(1);
    }

    @Test
    void aFailedHandOffIsRetriedOnALaterTickUntilItSucceeds() throws Exception {
        loop = Fixture.startLocal(data, FAST);
        DetectRecorder recorder = DetectRecorder.install(loop.camel());
        AtomicInteger failures = new AtomicInteger();
        recorder.failWhen(v -> v.key().endsWith("flaky.jpg") && failures.getAndIncrement() < 2);

        put("images_for_detection/flaky.jpg", "f");
        awaitDelivered(recorder, "images_for_detection/flaky.jpg");
        put("images_for_detection/sentinel.jpg", "s");
        awaitDelivered(recorder, "images_for_detection/sentinel.jpg");

        assertThat(recorder.attempts("images_for_detection/flaky.jpg")).isEqualTo(3);
        assertThat(recorder.deliveredKeys()).containsOnlyOnce("images_for_detection/flaky.jpg");
    }

    @Test
    void afterARestartHandedOffVersionsAreNotSentAgainButNewAndChangedOnesAre() throws Exception {
        loop = Fixture.startLocal(data, FAST);
        DetectRecorder first = DetectRecorder.install(loop.camel());
        put("images_for_detection/before-1.jpg", "one");
        put("images_for_detection/before-2.jpg", "two");
        Path dir = data.resolve("bucket").resolve("images_for_detection");
        Files.writeString(dir.resolve("overwritten.jpg"), "old content", StandardCharsets.UTF_8);
        awaitDelivered(first, "images_for_detection/before-1.jpg");
        awaitDelivered(first, "images_for_detection/before-2.jpg");
        awaitDelivered(first, "images_for_detection/overwritten.jpg");
        loop.close();

        // while it is down: a new file and a changed one
        Files.writeString(dir.resolve("while-down.jpg"), "new", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("overwritten.jpg"), "new content", StandardCharsets.UTF_8);

        // the trigger starts only once the recorder stands in for the detection route: a first poll
        // before it (a busy machine) would hand versions to the real route, unseen by this test
        loop = Fixture.startLocal(data, HELD);
        DetectRecorder second = DetectRecorder.install(loop.camel());
        loop.camel().getRouteController().startRoute(PollingTrigger.ROUTE_ID);
        awaitDelivered(second, "images_for_detection/while-down.jpg");
        awaitDelivered(second, "images_for_detection/overwritten.jpg");
        put("images_for_detection/sentinel.jpg", "s");
        awaitDelivered(second, "images_for_detection/sentinel.jpg");

        assertThat(second.deliveredKeys()).containsExactlyInAnyOrder("images_for_detection/while-down.jpg",
                "images_for_detection/overwritten.jpg", "images_for_detection/sentinel.jpg");
        ObjectVersion before = first.delivered().stream().filter(v -> v.key().endsWith("overwritten.jpg")).findFirst().orElseThrow();
        ObjectVersion after = second.delivered().stream().filter(v -> v.key().endsWith("overwritten.jpg")).findFirst().orElseThrow();
        assertThat(after.idempotencyKey()).isNotEqualTo(before.idempotencyKey());
    }
}
