package io.modelloop.review;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.detection.HumanLoop;
import io.modelloop.detection.HumanLoopNames;
import io.modelloop.detection.JdbcDetectionStore;
import io.modelloop.storage.LocalS3Server;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.SuppliedClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


/**
 * The built-in review service on the real H2 detection store and a real S3 server (S3Proxy):
 * loops are listed oldest first, answered once (also under a race), answers are validated, the
 * A2I-format output lands in the bucket and parses back, loops survive a restart.
 */
class BuiltinReviewServiceTest {

    static final String BUCKET = "bucket";
    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3, 4};

    @TempDir
    static Path s3Root;
    static LocalS3Server server;
    static S3Client s3;

    @TempDir
    Path dbDir;
    JdbcDetectionStore store;
    BuiltinReviewService service;
    int counter;

    @BeforeAll
    static void startS3() {
        server = new LocalS3Server(s3Root, 0).start(BUCKET);
        s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create()).build();
        put("images_labeled_by_folder/cat/1.jpg", "x".getBytes(StandardCharsets.UTF_8));
        put("images_labeled_by_folder/dog/1.jpg", "x".getBytes(StandardCharsets.UTF_8));
        put("images_for_detection/red flower+1.png", PNG);
    }

    @AfterAll
    static void stopS3() {
        s3.close();
        server.close();
    }

    @BeforeEach
    void openStore() {
        store = new JdbcDetectionStore(dbDir.resolve("modelloop"));
        service = new BuiltinReviewService(store, s3, BUCKET, Clock.systemUTC());
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static void put(String key, byte[] body) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(body));
    }

    HumanLoop loop(String detectionId, String source, Instant createdAt, List<String> labels) {
        return HumanLoop.builder().name(HumanLoopNames.forDetection(detectionId, source)).source(source)
                .detectionId(detectionId).detectedLabel("cat").confidence(42.0)
                .imageUri("s3://" + BUCKET + "/images_for_detection/red flower+1.png").labels(labels)
                .createdAt(createdAt).build();
    }

    HumanLoop newLoop() {
        String id = "det-" + Long.toHexString(System.nanoTime()) + "-" + (counter++);
        HumanLoop l = loop(id, HumanLoop.A2I_WORKFLOW, Instant.now(), List.of("cat", "dog"));
        assertThat(service.start(l)).isEqualTo(HumanReview.StartResult.STARTED);
        return l;
    }

    static List<String> outputKeys(String loopName) {
        List<String> keys = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("a2i-human-loop-data/")).contents()) {
            if (o.key().endsWith("/" + loopName + "/output.json")) {
                keys.add(o.key());
            }
        }
        return keys;
    }

    static String read(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String();
    }

    @Test
    void startedLoopsAreListedOldestFirstWithTheCountAndAStartIsNotRepeated() {
        Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
        HumanLoop later = loop("det-b", HumanLoop.A2I_WORKFLOW, t0.plusSeconds(60), List.of("cat"));
        HumanLoop earlier = loop("det-a", HumanLoop.HUMAN_SAMPLING, t0, List.of("cat"));
        assertThat(service.start(later)).isEqualTo(HumanReview.StartResult.STARTED);
        assertThat(service.start(earlier)).isEqualTo(HumanReview.StartResult.STARTED);
        assertThat(service.start(later)).isEqualTo(HumanReview.StartResult.ALREADY_STARTED);

        BuiltinReviewService.Queue q = service.openLoops(1);

        assertThat(q.count()).isEqualTo(2);
        assertThat(q.loops()).extracting(HumanLoop::name).containsExactly("sample-det-a");
        assertThat(service.openLoops(10).loops()).extracting(HumanLoop::name).containsExactly("sample-det-a", "review-det-b");
        assertThat(service.loop("review-det-b")).get().extracting(HumanLoop::status).isEqualTo(HumanLoop.Status.OPEN);
    }

    @Test
    void aLoopStartedWithoutLabelsOffersTheTrainingSetFoldersAndChoicesEndWithNoneOfTheAbove() {
        HumanLoop l = loop("det-nolabels", HumanLoop.A2I_WORKFLOW, Instant.now(), null);
        service.start(l);

        HumanLoop stored = service.loop(l.name()).orElseThrow();
        assertThat(stored.labels()).containsExactly("cat", "dog");

        put("images_labeled_by_folder/bird/1.png", PNG); // a label added after the loop started is offered too
        try {
            assertThat(service.choices(stored)).containsExactly("bird", "cat", "dog", HumanLoop.NONE_OF_THE_ABOVE);
        } finally {
            s3.deleteObject(b -> b.bucket(BUCKET).key("images_labeled_by_folder/bird/1.png"));
        }
    }

    @Test
    void anAnswerWritesAnA2iOutputThatParsesBackToTheSameLoopLabelAndSource() {
        HumanLoop l = newLoop();

        String key = service.answer(l.name(), "dog", "alice");

        assertThat(key).startsWith("a2i-human-loop-data/modelloop-review/").endsWith("/" + l.name() + "/output.json");
        assertThat(outputKeys(l.name())).containsExactly(key);
        HumanLoopOutput.Answer a = HumanLoopOutput.parse(read(key));
        assertThat(a.humanLoopName()).isEqualTo(l.name());
        assertThat(a.label()).isEqualTo("dog");
        assertThat(a.source()).isEqualTo(HumanLoop.A2I_WORKFLOW);
        assertThat(a.detectionId()).isEqualTo(l.detectionId());
        assertThat(a.detectedLabel()).isEqualTo("cat");
        assertThat(a.confidence()).isEqualTo(42.0);
        assertThat(a.imageUri()).isEqualTo(l.imageUri());
        assertThat(a.workerId()).isEqualTo("alice");
        assertThat(a.submissionTime()).isNotNull();
        HumanLoop answered = service.loop(l.name()).orElseThrow();
        assertThat(answered.status()).isEqualTo(HumanLoop.Status.ANSWERED);
        assertThat(answered.answer()).isEqualTo("dog");
        assertThat(service.openLoops(100).loops()).extracting(HumanLoop::name).doesNotContain(l.name());
    }

    @Test
    void aSecondAnswerIsRefusedAsAlreadyAnsweredAndWritesNothing() {
        HumanLoop l = newLoop();
        service.answer(l.name(), HumanLoop.NONE_OF_THE_ABOVE, "alice");

        assertThatThrownBy(() -> service.answer(l.name(), "cat", "bob"))
                .isInstanceOfSatisfying(ReviewRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReviewRefusedException.Reason.ALREADY_ANSWERED);
                    assertThat(e.reason().httpStatus).isEqualTo(409);
                })
                .hasMessageContaining("already answered").hasMessageContaining("alice");
        assertThat(outputKeys(l.name())).hasSize(1);
        assertThat(HumanLoopOutput.parse(read(outputKeys(l.name()).get(0))).label()).isEqualTo(HumanLoop.NONE_OF_THE_ABOVE);
    }

    @Test
    void twoReviewersAnsweringAtTheSameMomentProduceExactlyOneOutput() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                HumanLoop l = newLoop();
                CountDownLatch go = new CountDownLatch(1);
                List<Callable<String>> answers = List.of(
                        () -> { go.await(); return service.answer(l.name(), "cat", "alice"); },
                        () -> { go.await(); return service.answer(l.name(), "dog", "bob"); });
                List<Future<String>> futures = new ArrayList<>();
                answers.forEach(a -> futures.add(pool.submit(a)));
                go.countDown();
                int won = 0;
                int refused = 0;
                for (Future<String> f : futures) {
                    try {
                        f.get(30, TimeUnit.SECONDS);
                        won++;
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOfSatisfying(ReviewRefusedException.class,
                                r -> assertThat(r.reason()).isEqualTo(ReviewRefusedException.Reason.ALREADY_ANSWERED));
                        refused++;
                    }
                }
                assertThat(won).as("round %d winners", round).isEqualTo(1);
                assertThat(refused).isEqualTo(1);
                assertThat(outputKeys(l.name())).as("round %d outputs", round).hasSize(1);
                String winner = service.loop(l.name()).orElseThrow().answer();
                assertThat(HumanLoopOutput.parse(read(outputKeys(l.name()).get(0))).label()).isEqualTo(winner);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil", "a/b", "", "   ", "<script>", "..", ".hidden", "-x", "cat\ndog"})
    void invalidLabelsAreRefusedWithTheRuleAndTheLoopStaysOpen(String label) {
        HumanLoop l = newLoop();

        assertThatThrownBy(() -> service.answer(l.name(), label, "alice"))
                .isInstanceOfSatisfying(ReviewRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReviewRefusedException.Reason.INVALID))
                .hasMessageContaining("Invalid label")
                .hasMessageContaining("[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}");
        assertThat(service.loop(l.name()).orElseThrow().status()).isEqualTo(HumanLoop.Status.OPEN);
        assertThat(outputKeys(l.name())).isEmpty();
    }

    @Test
    void aLabelLongerThanTheRuleAllowsIsRefused() {
        HumanLoop l = newLoop();
        assertThatThrownBy(() -> service.answer(l.name(), "a".repeat(101), "alice")).isInstanceOf(ReviewRefusedException.class);
        assertThat(service.answer(l.name(), "a".repeat(100), "alice")).isNotNull();
    }

    @Test
    void aNewValidLabelIsAccepted() {
        HumanLoop l = newLoop();

        String key = service.answer(l.name(), "red panda_2.0", "alice");

        assertThat(HumanLoopOutput.parse(read(key)).label()).isEqualTo("red panda_2.0");
    }

    @Test
    void anAnswerWithoutAReviewerIsRefused() {
        HumanLoop l = newLoop();
        assertThatThrownBy(() -> service.answer(l.name(), "cat", " ")).isInstanceOf(ReviewRefusedException.class)
                .hasMessageContaining("reviewer");
        assertThat(service.loop(l.name()).orElseThrow().status()).isEqualTo(HumanLoop.Status.OPEN);
    }

    @Test
    void anUnknownLoopIsNotFound() {
        assertThatThrownBy(() -> service.answer("review-nope", "cat", "alice"))
                .isInstanceOfSatisfying(ReviewRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReviewRefusedException.Reason.NOT_FOUND));
    }

    @Test
    void openLoopsSurviveARestartAndCanBeAnsweredAfterIt() {
        HumanLoop l = newLoop();
        store.close();

        store = new JdbcDetectionStore(dbDir.resolve("modelloop"));
        service = new BuiltinReviewService(store, s3, BUCKET, Clock.systemUTC());

        assertThat(service.openLoops(10).loops()).extracting(HumanLoop::name).containsExactly(l.name());
        assertThat(service.loop(l.name()).orElseThrow().labels()).containsExactly("cat", "dog");
        String key = service.answer(l.name(), "cat", "alice");
        assertThat(HumanLoopOutput.parse(read(key)).humanLoopName()).isEqualTo(l.name());
    }

    @Test
    void theImageIsServedWithItsBytesAndContentType() throws Exception {
        HumanLoop l = newLoop();

        BuiltinReviewService.Image image = service.image(l.name());

        try (var in = image.stream()) {
            assertThat(in.readAllBytes()).isEqualTo(PNG);
        }
        assertThat(image.contentType()).isEqualTo("image/png");
    }

    /** A clock the test moves by hand, so holds lapse without waiting. */
    static final class TestClock extends SuppliedClock {
        private final java.util.concurrent.atomic.AtomicReference<Instant> now;

        TestClock(Instant start) {
            this(new java.util.concurrent.atomic.AtomicReference<>(start));
        }

        private TestClock(java.util.concurrent.atomic.AtomicReference<Instant> now) {
            super(now::get);
            this.now = now;
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }
    }

    static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
    static final Duration HOLD = Duration.ofMinutes(5);

    /** The service on a hand-moved clock with five-minute holds, and three loops a, b, c (oldest first). */
    TestClock clockedWithLoops() {
        TestClock clock = new TestClock(T0);
        service = new BuiltinReviewService(store, s3, BUCKET, clock,
                new io.modelloop.training.CurrentLabels(s3, BUCKET, Duration.ZERO, clock), HOLD);
        for (String id : List.of("a", "b", "c")) {
            service.start(loop("det-" + id, HumanLoop.A2I_WORKFLOW, T0.minusSeconds(100 - id.charAt(0)), List.of("cat")));
        }
        return clock;
    }

    static ReviewRefusedException.Reason reason(Throwable t) {
        return ((ReviewRefusedException) t).reason();
    }

    @Test
    void aHoldKeepsTheLoopForItsReviewerAndAnotherIsToldWhoHasItUntilWhen() {
        clockedWithLoops();

        HumanLoop held = service.hold("review-det-a", "alice");

        assertThat(held.heldBy()).isEqualTo("alice");
        assertThat(held.heldUntil()).isEqualTo(T0.plus(HOLD));
        assertThat(service.loop("review-det-a").orElseThrow().heldBy()).isEqualTo("alice");
        assertThat(service.openLoops(10).loops()).extracting(HumanLoop::heldBy).containsExactly("alice", null, null);
        assertThat(service.openLoops(10).count()).as("held loops still count as open").isEqualTo(3);
        assertThatThrownBy(() -> service.hold("review-det-a", "bob"))
                .isInstanceOfSatisfying(ReviewRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReviewRefusedException.Reason.HELD);
                    assertThat(e.reason().httpStatus).isEqualTo(409);
                    assertThat(e.loop().heldBy()).isEqualTo("alice");
                })
                .hasMessageContaining("held by alice until " + T0.plus(HOLD));
    }

    @Test
    void aHoldLapsesAfterTheHoldDurationAndThenAnotherReviewerGetsTheLoop() {
        TestClock clock = clockedWithLoops();
        service.hold("review-det-a", "alice");

        clock.advance(HOLD.minusSeconds(1));
        assertThatThrownBy(() -> service.hold("review-det-a", "bob")).isInstanceOf(ReviewRefusedException.class);

        clock.advance(Duration.ofSeconds(1));
        assertThat(service.loop("review-det-a").orElseThrow().heldBy()).as("a lapsed hold shows as none").isNull();
        assertThat(service.openLoops(10).loops()).extracting(HumanLoop::heldBy).containsOnlyNulls();
        assertThat(service.hold("review-det-a", "bob").heldBy()).isEqualTo("bob");
    }

    @Test
    void theSameReviewerHoldingAgainExtendsTheHold() {
        TestClock clock = clockedWithLoops();
        service.hold("review-det-a", "alice");
        clock.advance(Duration.ofMinutes(2));

        HumanLoop again = service.hold("review-det-a", "alice");

        assertThat(again.heldUntil()).isEqualTo(T0.plus(Duration.ofMinutes(2)).plus(HOLD));
        assertThat(service.loop("review-det-a").orElseThrow().heldUntil()).isEqualTo(again.heldUntil());
    }

    @Test
    void anAnswerIsRefusedWhileAnotherReviewerHoldsTheLoopButNotFromTheHolderOrOnceItLapses() {
        TestClock clock = clockedWithLoops();
        service.hold("review-det-a", "alice");
        service.hold("review-det-b", "alice");

        assertThatThrownBy(() -> service.answer("review-det-a", "cat", "bob"))
                .isInstanceOfSatisfying(ReviewRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReviewRefusedException.Reason.HELD))
                .hasMessageContaining("held by alice");
        assertThat(service.loop("review-det-a").orElseThrow().status()).isEqualTo(HumanLoop.Status.OPEN);
        assertThat(outputKeys("review-det-a")).isEmpty();

        service.answer("review-det-a", "cat", "alice");
        HumanLoop answered = service.loop("review-det-a").orElseThrow();
        assertThat(answered.reviewer()).isEqualTo("alice");
        assertThat(answered.heldBy()).as("answering drops the hold").isNull();

        clock.advance(HOLD);
        service.answer("review-det-b", "cat", "bob");
        assertThat(service.loop("review-det-b").orElseThrow().reviewer()).isEqualTo("bob");
        service.answer("review-det-c", "cat", "carol"); // never held: anyone may answer
    }

    @Test
    void nextHoldsTheOldestLoopNotHeldByOthersAndNotSkipped() {
        TestClock clock = clockedWithLoops();

        assertThat(service.next("alice", Set.of())).get().satisfies(l -> {
            assertThat(l.name()).isEqualTo("review-det-a");
            assertThat(l.heldBy()).isEqualTo("alice");
            assertThat(l.heldUntil()).isEqualTo(T0.plus(HOLD));
        });
        assertThat(service.next("bob", Set.of())).get().extracting(HumanLoop::name).isEqualTo("review-det-b");
        assertThat(service.next("bob", Set.of("review-det-b"))).get().extracting(HumanLoop::name).isEqualTo("review-det-c");
        assertThat(service.next("carol", null)).as("a held by alice, b and c by bob").isEmpty();
        clock.advance(Duration.ofMinutes(2));
        assertThat(service.next("alice", Set.of())).as("her own hold again, extended").get().satisfies(l -> {
            assertThat(l.name()).isEqualTo("review-det-a");
            assertThat(l.heldUntil()).isEqualTo(T0.plus(Duration.ofMinutes(2)).plus(HOLD));
        });
        assertThat(service.next("alice", Set.of("review-det-a"))).isEmpty();

        clock.advance(Duration.ofMinutes(3)); // bob's holds lapse, alice's (extended) does not
        assertThat(service.next("carol", Set.of())).get().extracting(HumanLoop::name).isEqualTo("review-det-b");
        assertThat(service.loop("review-det-b").orElseThrow().heldBy()).isEqualTo("carol");
    }

    @Test
    void nextLooksPastMoreLoopsThanItReadsAtOnce() {
        clockedWithLoops();
        for (int i = 0; i < 60; i++) {
            service.start(loop(String.format("det-m%02d", i), HumanLoop.A2I_WORKFLOW, T0.plusSeconds(i), List.of("cat")));
            service.hold(String.format("review-det-m%02d", i), "alice");
        }
        service.start(loop("det-last", HumanLoop.A2I_WORKFLOW, T0.plusSeconds(100), List.of("cat")));

        assertThat(service.next("bob", Set.of("review-det-a", "review-det-b", "review-det-c")))
                .get().extracting(HumanLoop::name).isEqualTo("review-det-last");
    }

    @Test
    void releaseGivesUpOnlyTheCallersHold() {
        clockedWithLoops();
        service.hold("review-det-a", "alice");

        assertThat(service.release("review-det-a", "bob").heldBy()).isEqualTo("alice");
        assertThat(service.release("review-det-a", "alice").heldBy()).isNull();
        assertThat(service.hold("review-det-a", "bob").heldBy()).isEqualTo("bob");
        assertThatThrownBy(() -> service.release("review-nope", "bob"))
                .satisfies(e -> assertThat(reason(e)).isEqualTo(ReviewRefusedException.Reason.NOT_FOUND));
    }

    @Test
    void holdRefusesAnsweredAndUnknownLoopsAndANamelessReviewer() {
        clockedWithLoops();
        service.answer("review-det-a", "cat", "alice");

        assertThatThrownBy(() -> service.hold("review-det-a", "bob"))
                .satisfies(e -> assertThat(reason(e)).isEqualTo(ReviewRefusedException.Reason.ALREADY_ANSWERED));
        assertThatThrownBy(() -> service.hold("review-nope", "bob"))
                .satisfies(e -> assertThat(reason(e)).isEqualTo(ReviewRefusedException.Reason.NOT_FOUND));
        assertThatThrownBy(() -> service.hold("review-det-b", " "))
                .satisfies(e -> assertThat(reason(e)).isEqualTo(ReviewRefusedException.Reason.INVALID));
        assertThatThrownBy(() -> service.next("", Set.of()))
                .satisfies(e -> assertThat(reason(e)).isEqualTo(ReviewRefusedException.Reason.INVALID));
    }

    @Test
    void twoReviewersAskingForTheNextLoopAtOnceGetDifferentLoops() throws Exception {
        clockedWithLoops();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            Future<Optional<HumanLoop>> alice = pool.submit(() -> { go.await(); return service.next("alice", Set.of()); });
            Future<Optional<HumanLoop>> bob = pool.submit(() -> { go.await(); return service.next("bob", Set.of()); });
            go.countDown();
            String a = alice.get(30, TimeUnit.SECONDS).orElseThrow().name();
            String b = bob.get(30, TimeUnit.SECONDS).orElseThrow().name();
            assertThat(a).isNotEqualTo(b);
            assertThat(Set.of(a, b)).containsExactlyInAnyOrder("review-det-a", "review-det-b");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theHoldDurationComesFromConfigurationAndDefaultsToFiveMinutes() {
        Settings defaults = Fixture.localSettings(dbDir.resolve("data"), Map.of());
        Settings two = Fixture.localSettings(dbDir.resolve("data"), Map.of("modelloop.review.hold-minutes", "2"));

        assertThat(((BuiltinReviewService) HumanReviews.create(defaults, store, s3, BUCKET, Clock.systemUTC())).holdDuration())
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(((BuiltinReviewService) HumanReviews.create(two, store, s3, BUCKET, Clock.systemUTC())).holdDuration())
                .isEqualTo(Duration.ofMinutes(2));
        Settings zero = Fixture.localSettings(dbDir.resolve("data"), Map.of("modelloop.review.hold-minutes", "0"));
        assertThatThrownBy(() -> HumanReviews.create(zero, store, s3, BUCKET, Clock.systemUTC()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("hold-minutes");
    }

    @Test
    void anOutputCanBeWrittenAgainFromTheStoredAnswerAtTheSameKey() {
        HumanLoop l = newLoop();
        String key = service.answer(l.name(), "cat", "alice");
        s3.deleteObject(b -> b.bucket(BUCKET).key(key));

        assertThat(service.writeOutput(l.name())).isEqualTo(key);
        assertThat(HumanLoopOutput.parse(read(key)).label()).isEqualTo("cat");
    }
}
