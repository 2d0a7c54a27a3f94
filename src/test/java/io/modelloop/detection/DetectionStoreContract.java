package io.modelloop.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelloop.detection.Detection.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every DetectionStore must have; subclasses supply a fresh, empty store. */
abstract class DetectionStoreContract {

    /** With nanoseconds, so a store that rounds times would break ordering and paging. */
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00.123456789Z");

    DetectionStore store;

    protected abstract DetectionStore newStore() throws Exception;

    protected void closeStore() throws Exception {
    }

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @AfterEach
    void close() throws Exception {
        closeStore();
    }

    static Detection detection(String id, Instant at, String label, Outcome outcome, Double confidence) {
        boolean classified = outcome == Outcome.CLASSIFIED;
        return Detection.builder().id(id).objectKey("bucket/images_for_detection/" + id + ".jpg/etag-" + id)
                .detectedAt(at).bucket("bucket").key("images_for_detection/" + id + ".jpg").etag("etag-" + id)
                .modelVersion(classified ? "v1" : null).outcome(outcome).reason(classified ? null : "because")
                .label(label).confidence(confidence).threshold(classified ? 70.0 : null).reviewEnabled(true)
                .uploadedAt(at.minusSeconds(2)).build();
    }

    static Detection classified(String id, Instant at, String label, double confidence) {
        return detection(id, at, label, Outcome.CLASSIFIED, confidence);
    }

    static HumanLoop loop(String name, Instant createdAt) {
        return HumanLoop.builder().name(name).source(HumanLoop.A2I_WORKFLOW).detectionId("det-" + name)
                .detectedLabel("cat").confidence(42.5).imageUri("s3://bucket/images_for_detection/x.jpg").labels(List.of("cat", "dog"))
                .status(HumanLoop.Status.OPEN).createdAt(createdAt).build();
    }

    static List<String> ids(List<Detection> ds) {
        return ds.stream().map(Detection::id).toList();
    }

    /** A classified record with the parts its confidence was made of (#10). */
    static Detection withParts(Detection d, Double classProbability, Double familiarity, String reason) {
        return d.toBuilder().classProbability(classProbability).familiarity(familiarity).confidenceReason(reason).build();
    }

    @Test
    void theConfidencePartsAndReasonAreKeptThroughLoopAndReview() {
        Detection d = withParts(classified("d1", T0, "cat", 12.0), 88.5, 12.0, "UNFAMILIAR");
        store.insertIfAbsent(d);
        store.insertIfAbsent(withParts(classified("d2", T0.plusSeconds(1), "dog", 55.0), 55.0, null, "LOW_MARGIN"));
        store.attachLoop("d1", "loop-d1", HumanLoop.A2I_WORKFLOW);
        store.recordReview("d1", "fox", T0.plusSeconds(60), null, null);

        Detection read = store.get("d1").orElseThrow();
        assertThat(read.classProbability()).isEqualTo(88.5);
        assertThat(read.familiarity()).isEqualTo(12.0);
        assertThat(read.confidenceReason()).isEqualTo("UNFAMILIAR");
        assertThat(read.humanLabel()).isEqualTo("fox");
        assertThat(store.query(DetectionQuery.all(50)).detections())
                .extracting(Detection::id, Detection::classProbability, Detection::familiarity, Detection::confidenceReason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("d2", 55.0, null, "LOW_MARGIN"),
                        org.assertj.core.groups.Tuple.tuple("d1", 88.5, 12.0, "UNFAMILIAR"));

        // a NO_MODEL record replaced once a model runs gets the parts too
        store.insertIfAbsent(detection("d3", T0, null, Outcome.NO_MODEL, null));
        assertThat(store.replace(withParts(classified("d3", T0, "cat", 40.0), 40.0, 90.0, "LOW_MARGIN"))).isTrue();
        assertThat(store.get("d3")).get().extracting(Detection::classProbability, Detection::confidenceReason)
                .containsExactly(40.0, "LOW_MARGIN");
    }

    @Test
    void aLoopKeepsWhyItWasSentThroughHoldAndAnswer() {
        store.createLoop(loop("loop-why", T0).withConfidenceParts("UNFAMILIAR", 91.0, 7.5));
        store.holdLoop("loop-why", "alice", T0, T0.plusSeconds(300));
        assertThat(store.openLoops(10)).singleElement()
                .extracting(HumanLoop::confidenceReason, HumanLoop::classProbability, HumanLoop::familiarity, HumanLoop::heldBy)
                .containsExactly("UNFAMILIAR", 91.0, 7.5, "alice");
        store.completeLoop("loop-why", "fox", "alice", T0.plusSeconds(60));
        assertThat(store.getLoop("loop-why")).get()
                .extracting(HumanLoop::confidenceReason, HumanLoop::familiarity, HumanLoop::answer)
                .containsExactly("UNFAMILIAR", 7.5, "fox");
    }

    @Test
    void insertIfAbsentTwiceKeepsOneRecordTheFirst() {
        Detection first = classified("d1", T0, "cat", 91.5);
        assertThat(store.insertIfAbsent(first)).isTrue();
        assertThat(store.insertIfAbsent(classified("d1", T0.plusSeconds(5), "dog", 12.0))).isFalse();

        assertThat(store.get("d1")).contains(first);
        assertThat(store.query(DetectionQuery.all(50)).detections()).containsExactly(first);
        assertThat(store.get("nope")).isEmpty();
    }

    @Test
    void replaceChangesTheOutcomeOfARecord() {
        store.insertIfAbsent(detection("d1", T0, null, Outcome.NO_MODEL, null));
        Detection now = classified("d1", T0, "cat", 88.0);
        store.replace(now);
        assertThat(store.get("d1")).contains(now);
        assertThat(store.waitingForModel(10)).isEmpty();
        assertThat(ids(store.classifiedAfter(null, null, 10))).containsExactly("d1");
    }

    @Test
    void replaceOnlyReplacesANoModelRecord() {
        Detection classified = classified("d1", T0, "cat", 88.0);
        store.insertIfAbsent(classified);
        store.attachLoop("d1", "loop-a", HumanLoop.A2I_WORKFLOW);

        assertThat(store.replace(detection("d1", T0, null, Outcome.NO_MODEL, null)))
                .as("a classified record is not overwritten").isFalse();
        assertThat(store.get("d1").orElseThrow().outcome()).isEqualTo(Outcome.CLASSIFIED);
        assertThat(store.get("d1").orElseThrow().humanLoopName()).isEqualTo("loop-a");

        store.insertIfAbsent(detection("n1", T0, null, Outcome.NO_MODEL, null));
        assertThat(store.replace(classified("n1", T0, "cat", 70.0))).isTrue();
        assertThat(store.replace(classified("n1", T0, "dog", 20.0))).as("the second replacer loses").isFalse();
        assertThat(store.get("n1").orElseThrow().label()).isEqualTo("cat");

        assertThat(store.replace(classified("missing", T0, "cat", 70.0))).as("nothing to replace").isFalse();
        assertThat(store.get("missing")).isEmpty();
    }

    @Test
    void sampleCountersFollowRecordedSampleAnswersOnce() {
        assertThat(store.sampleAgreement().agreement()).isNull();
        for (String id : List.of("s1", "s2", "s3", "r1")) {
            store.insertIfAbsent(classified(id, T0, "cat", 90.0));
        }
        store.attachLoop("s1", "sample-1", HumanLoop.HUMAN_SAMPLING);
        store.attachLoop("s2", "sample-2", HumanLoop.HUMAN_SAMPLING);
        store.attachLoop("s3", "sample-3", HumanLoop.HUMAN_SAMPLING);
        store.attachLoop("r1", "review-1", HumanLoop.A2I_WORKFLOW);

        store.recordReview("s1", "cat", T0, null, true);
        store.recordReview("s2", "dog", T0, null, false);
        store.recordReview("r1", "dog", T0, "images_labeled_by_folder/dog/x.jpg", null);
        assertThat(store.sampleAgreement()).isEqualTo(new SampleAgreement(2, 1));

        store.recordReview("s1", "cat", T0.plusSeconds(1), null, true);
        assertThat(store.sampleAgreement()).as("recording the same answer again counts once").isEqualTo(new SampleAgreement(2, 1));
        store.recordReview("s2", "cat", T0.plusSeconds(1), null, true);
        assertThat(store.sampleAgreement()).as("a changed answer moves the counters").isEqualTo(new SampleAgreement(2, 2));
        store.recordReview("s3", "dog", T0, null, false);

        DetectionStats counted = store.stats(null);
        assertThat(store.sampleAgreement()).isEqualTo(new SampleAgreement(counted.samplesAnswered(), counted.samplesAgreed()));
        assertThat(store.sampleAgreement().agreement()).isEqualTo(2.0 / 3);
    }

    @Test
    void sampleAnswersRecordedAtOnceAreEachCounted() throws Exception {
        int n = 8;
        for (int i = 0; i < n; i++) {
            store.insertIfAbsent(classified("s" + i, T0.plusSeconds(i), "cat", 90.0));
            store.attachLoop("s" + i, "sample-" + i, HumanLoop.HUMAN_SAMPLING);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = "s" + i;
                boolean agreed = i % 2 == 0;
                done.add(pool.submit(() -> store.recordReview(id, "cat", T0, null, agreed)));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.sampleAgreement()).isEqualTo(new SampleAgreement(n, n / 2));
    }

    @Test
    void processedOutputsAreRememberedAndTheCursorOnlyMovesForward() {
        String a = "a2i-human-loop-data/flow-a/2026/11/24/10/00/00/loop-1/output.json";
        assertThat(store.outputProcessed(a)).isFalse();
        assertThat(store.outputCursor("flow-a")).isNull();

        store.markOutputProcessed(a, "flow-a", T0);
        store.markOutputProcessed(a, "flow-a", T0); // idempotent
        assertThat(store.outputProcessed(a)).isTrue();
        assertThat(store.outputCursor("flow-a")).isEqualTo(T0);

        store.markOutputProcessed("late", "flow-a", T0.minusSeconds(60));
        assertThat(store.outputCursor("flow-a")).as("never back").isEqualTo(T0);
        store.markOutputProcessed("newer", "flow-a", T0.plusSeconds(60));
        store.markOutputProcessed("odd", "flow-a", null);
        assertThat(store.outputCursor("flow-a")).isEqualTo(T0.plusSeconds(60));
        assertThat(store.outputProcessed("odd")).isTrue();
        assertThat(store.outputCursor("flow-b")).as("one cursor per flow").isNull();
    }

    @Test
    void anAnsweredLoopOwesItsOutputUntilItIsRecordedWritten() {
        store.createLoop(loop("a", T0));
        store.createLoop(loop("b", T0.plusSeconds(1)));
        store.createLoop(loop("c", T0.plusSeconds(2)));
        assertThat(store.loopsOwingOutput(10)).as("open loops owe nothing").isEmpty();

        assertThat(store.completeLoop("b", "dog", "ann", T0.plusSeconds(20))).isTrue();
        assertThat(store.completeLoop("a", "cat", "ann", T0.plusSeconds(30))).isTrue();
        store.syncLoops();
        assertThat(store.loopsOwingOutput(10)).extracting(HumanLoop::name).as("oldest answer first").containsExactly("b", "a");
        assertThat(store.loopsOwingOutput(10).get(0).answer()).isEqualTo("dog");

        store.recordLoopOutput("b", "a2i-human-loop-data/modelloop-review/x/b/output.json");
        assertThat(store.loopsOwingOutput(10)).extracting(HumanLoop::name).containsExactly("a");
        assertThat(store.getLoop("b").orElseThrow().status()).isEqualTo(HumanLoop.Status.ANSWERED);
        assertThat(store.openLoops(10)).extracting(HumanLoop::name).containsExactly("c");
    }

    @Test
    void attachLoopTwiceOnlyTheFirstWins() {
        store.insertIfAbsent(classified("d1", T0, "cat", 40.0));

        assertThat(store.attachLoop("d1", "loop-a", HumanLoop.A2I_WORKFLOW)).isTrue();
        assertThat(store.attachLoop("d1", "loop-b", HumanLoop.HUMAN_SAMPLING)).isFalse();

        Detection d = store.get("d1").orElseThrow();
        assertThat(d.humanLoopName()).isEqualTo("loop-a");
        assertThat(d.humanLoopSource()).isEqualTo(HumanLoop.A2I_WORKFLOW);
        assertThat(d.sampled()).as("a review loop does not make it a sample").isFalse();
        assertThat(store.attachLoop("missing", "loop-c", HumanLoop.A2I_WORKFLOW)).isFalse();
        assertThat(store.get("missing")).isEmpty();
    }

    @Test
    void attachingASamplingLoopMarksTheDetectionSampled() {
        store.insertIfAbsent(classified("d1", T0, "cat", 95.0));
        assertThat(store.attachLoop("d1", "sample-1", HumanLoop.HUMAN_SAMPLING)).isTrue();
        Detection d = store.get("d1").orElseThrow();
        assertThat(d.sampled()).isTrue();
        assertThat(d.humanLoopSource()).isEqualTo(HumanLoop.HUMAN_SAMPLING);
        assertThat(ids(store.query(new DetectionQuery(null, null, null, null, true, null, null, 10, null)).detections()))
                .containsExactly("d1");
    }

    @Test
    void recordReviewKeepsTheLoopAndIsShownAsReviewed() {
        store.insertIfAbsent(classified("d1", T0, "cat", 40.0));
        store.attachLoop("d1", "loop-a", HumanLoop.A2I_WORKFLOW);
        Instant at = T0.plusSeconds(60);

        store.recordReview("d1", "dog", at, "images_labeled_by_folder/dog/x.jpg", null);

        Detection d = store.get("d1").orElseThrow();
        assertThat(d.humanLabel()).isEqualTo("dog");
        assertThat(d.reviewedAt()).isEqualTo(at);
        assertThat(d.copiedKey()).isEqualTo("images_labeled_by_folder/dog/x.jpg");
        assertThat(d.agreement()).isNull();
        assertThat(d.humanLoopName()).isEqualTo("loop-a");
        assertThat(d.label()).as("the model's label stays").isEqualTo("cat");
        assertThatThrownBy(() -> store.recordReview("missing", "dog", at, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing");
    }

    @Test
    void completeLoopFromTwoThreadsAtOnceHasExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String name = "race-" + round;
                assertThat(store.createLoop(loop(name, T0.plusSeconds(round)))).isTrue();
                CountDownLatch gate = new CountDownLatch(1);
                List<Future<Boolean>> answers = new ArrayList<>();
                for (String reviewer : List.of("alice", "bob")) {
                    Callable<Boolean> answer = () -> {
                        gate.await();
                        return store.completeLoop(name, reviewer.equals("alice") ? "cat" : "dog", reviewer, T0.plusSeconds(100));
                    };
                    answers.add(pool.submit(answer));
                }
                gate.countDown();
                boolean alice = answers.get(0).get(30, TimeUnit.SECONDS);
                boolean bob = answers.get(1).get(30, TimeUnit.SECONDS);
                assertThat(alice ^ bob).as("round %d: alice %s, bob %s", round, alice, bob).isTrue();
                HumanLoop stored = store.getLoop(name).orElseThrow();
                assertThat(stored.status()).isEqualTo(HumanLoop.Status.ANSWERED);
                assertThat(stored.reviewer()).isEqualTo(alice ? "alice" : "bob");
                assertThat(stored.answer()).isEqualTo(alice ? "cat" : "dog");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.openLoops(100)).isEmpty();
    }

    @Test
    void createLoopTwiceKeepsTheFirstAndAnsweringTwiceFails() {
        HumanLoop first = loop("loop-1", T0);
        assertThat(store.createLoop(first)).isTrue();
        assertThat(store.createLoop(HumanLoop.builder().name("loop-1").source(HumanLoop.HUMAN_SAMPLING)
                .detectionId("other").detectedLabel("dog").confidence(99.0).imageUri("s3://bucket/other.jpg")
                .labels(List.of("dog")).status(HumanLoop.Status.OPEN).createdAt(T0.plusSeconds(9)).build()))
                .isFalse();
        assertThat(store.getLoop("loop-1")).contains(first);
        assertThat(store.getLoop("loop-2")).isEmpty();

        Instant at = T0.plusSeconds(30);
        assertThat(store.completeLoop("loop-1", "None of the Above", "carol", at)).isTrue();
        assertThat(store.completeLoop("loop-1", "cat", "dave", at.plusSeconds(1))).isFalse();
        assertThat(store.completeLoop("loop-2", "cat", "dave", at)).as("no such loop").isFalse();
        HumanLoop answered = store.getLoop("loop-1").orElseThrow();
        assertThat(answered.status()).isEqualTo(HumanLoop.Status.ANSWERED);
        assertThat(answered.answer()).isEqualTo("None of the Above");
        assertThat(answered.reviewer()).isEqualTo("carol");
        assertThat(answered.answeredAt()).isEqualTo(at);
        assertThat(answered.labels()).containsExactly("cat", "dog");
        assertThat(answered.imageUri()).isEqualTo(first.imageUri());
    }

    @Test
    void aHoldKeepsAnOpenLoopForOneReviewerUntilItLapses() {
        store.createLoop(loop("loop-1", T0));
        Instant until = T0.plusSeconds(300);

        assertThat(store.holdLoop("loop-1", "alice", T0, until)).isTrue();
        HumanLoop held = store.getLoop("loop-1").orElseThrow();
        assertThat(held.heldBy()).isEqualTo("alice");
        assertThat(held.heldUntil()).isEqualTo(until);
        assertThat(store.openLoops(10)).singleElement().satisfies(l -> {
            assertThat(l.heldBy()).isEqualTo("alice");
            assertThat(l.heldUntil()).isEqualTo(until);
        });

        assertThat(store.holdLoop("loop-1", "bob", T0.plusSeconds(10), T0.plusSeconds(310))).as("alice has it").isFalse();
        assertThat(store.holdLoop("loop-1", "bob", until.minusNanos(1), until.plusSeconds(300))).as("one ns before it lapses")
                .isFalse();
        assertThat(store.holdLoop("loop-1", "alice", T0.plusSeconds(60), T0.plusSeconds(360))).as("extended").isTrue();
        assertThat(store.getLoop("loop-1").orElseThrow().heldUntil()).isEqualTo(T0.plusSeconds(360));

        assertThat(store.holdLoop("loop-1", "bob", T0.plusSeconds(360), T0.plusSeconds(660))).as("lapsed at heldUntil").isTrue();
        assertThat(store.getLoop("loop-1").orElseThrow().heldBy()).isEqualTo("bob");
        assertThat(store.holdLoop("missing", "bob", T0, until)).isFalse();
        assertThat(store.getLoop("missing")).isEmpty();
    }

    @Test
    void anAnsweredLoopCannotBeHeldAndAnsweringDropsTheHold() {
        store.createLoop(loop("loop-1", T0));
        store.holdLoop("loop-1", "alice", T0, T0.plusSeconds(300));

        assertThat(store.completeLoop("loop-1", "cat", "alice", T0.plusSeconds(20))).isTrue();

        HumanLoop answered = store.getLoop("loop-1").orElseThrow();
        assertThat(answered.heldBy()).isNull();
        assertThat(answered.heldUntil()).isNull();
        assertThat(store.holdLoop("loop-1", "alice", T0.plusSeconds(30), T0.plusSeconds(330))).isFalse();
        assertThat(store.holdLoop("loop-1", "bob", T0.plusSeconds(900), T0.plusSeconds(1200))).isFalse();
    }

    @Test
    void anotherReviewerCannotAnswerWhileTheHoldLastsButCanOnceItLapses() {
        store.createLoop(loop("loop-1", T0));
        store.holdLoop("loop-1", "alice", T0, T0.plusSeconds(300));

        assertThat(store.completeLoop("loop-1", "dog", "bob", T0.plusSeconds(299))).isFalse();
        assertThat(store.getLoop("loop-1").orElseThrow().status()).isEqualTo(HumanLoop.Status.OPEN);

        assertThat(store.completeLoop("loop-1", "dog", "bob", T0.plusSeconds(300))).isTrue();
        assertThat(store.getLoop("loop-1").orElseThrow().reviewer()).isEqualTo("bob");
    }

    @Test
    void releaseDropsOnlyTheHoldersOwnHold() {
        store.createLoop(loop("loop-1", T0));
        store.holdLoop("loop-1", "alice", T0, T0.plusSeconds(300));

        store.releaseLoop("loop-1", "bob");
        assertThat(store.getLoop("loop-1").orElseThrow().heldBy()).as("not bob's to release").isEqualTo("alice");

        store.releaseLoop("loop-1", "alice");
        HumanLoop free = store.getLoop("loop-1").orElseThrow();
        assertThat(free.heldBy()).isNull();
        assertThat(free.heldUntil()).isNull();
        assertThat(store.holdLoop("loop-1", "bob", T0.plusSeconds(1), T0.plusSeconds(301))).isTrue();

        store.releaseLoop("missing", "alice");
        assertThat(store.getLoop("missing")).as("releasing an unknown loop creates nothing").isEmpty();
    }

    @Test
    void holdLoopFromTwoThreadsAtOnceHasExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String name = "hold-race-" + round;
                assertThat(store.createLoop(loop(name, T0.plusSeconds(round)))).isTrue();
                CountDownLatch gate = new CountDownLatch(1);
                List<Future<Boolean>> holds = new ArrayList<>();
                for (String reviewer : List.of("alice", "bob")) {
                    Callable<Boolean> hold = () -> {
                        gate.await();
                        return store.holdLoop(name, reviewer, T0.plusSeconds(100), T0.plusSeconds(400));
                    };
                    holds.add(pool.submit(hold));
                }
                gate.countDown();
                boolean alice = holds.get(0).get(30, TimeUnit.SECONDS);
                boolean bob = holds.get(1).get(30, TimeUnit.SECONDS);
                assertThat(alice ^ bob).as("round %d: alice %s, bob %s", round, alice, bob).isTrue();
                assertThat(store.getLoop(name).orElseThrow().heldBy()).isEqualTo(alice ? "alice" : "bob");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void openLoopsAreOldestFirstAndExcludeAnswered() {
        store.createLoop(loop("c-newest", T0.plusSeconds(30)));
        store.createLoop(loop("a-oldest", T0));
        store.createLoop(loop("b-middle", T0.plusSeconds(10)));
        store.createLoop(loop("d-answered", T0.plusSeconds(5)));
        store.completeLoop("d-answered", "cat", "alice", T0.plusSeconds(40));

        assertThat(store.openLoops(10)).extracting(HumanLoop::name).containsExactly("a-oldest", "b-middle", "c-newest");
        assertThat(store.openLoops(2)).extracting(HumanLoop::name).containsExactly("a-oldest", "b-middle");
        assertThat(store.openLoops(10)).allSatisfy(l -> assertThat(l.status()).isEqualTo(HumanLoop.Status.OPEN));
    }

    /** Ten detections, one per minute, with every filterable property varied. */
    private void insertMixedSet() {
        store.insertIfAbsent(classified("m0", T0, "cat", 95.0));
        store.insertIfAbsent(classified("m1", T0.plusSeconds(60), "dog", 50.0));                  // below
        store.insertIfAbsent(detection("m2", T0.plusSeconds(120), null, Outcome.NO_MODEL, null));
        store.insertIfAbsent(detection("m3", T0.plusSeconds(180), null, Outcome.REJECTED, null));
        store.insertIfAbsent(classified("m4", T0.plusSeconds(240), "cat", 30.0));                 // below, reviewed
        store.insertIfAbsent(classified("m5", T0.plusSeconds(300), "cat", 99.0));                 // sampled, agreed
        store.insertIfAbsent(classified("m6", T0.plusSeconds(360), "dog", 97.0));                 // sampled, disagreed
        store.insertIfAbsent(classified("m7", T0.plusSeconds(420), "dog", 90.0));                 // sampled, unanswered
        store.insertIfAbsent(classified("m8", T0.plusSeconds(480), "cat", 69.9));                 // below
        store.insertIfAbsent(detection("m9", T0.plusSeconds(540), null, Outcome.NO_MODEL, null));
        store.attachLoop("m1", "loop-m1", HumanLoop.A2I_WORKFLOW);
        store.attachLoop("m4", "loop-m4", HumanLoop.A2I_WORKFLOW);
        store.recordReview("m4", "dog", T0.plusSeconds(900), "images_labeled_by_folder/dog/m4.jpg", null);
        store.attachLoop("m5", "sample-m5", HumanLoop.HUMAN_SAMPLING);
        store.recordReview("m5", "cat", T0.plusSeconds(900), null, true);
        store.attachLoop("m6", "sample-m6", HumanLoop.HUMAN_SAMPLING);
        store.recordReview("m6", "cat", T0.plusSeconds(900), null, false);
        store.attachLoop("m7", "sample-m7", HumanLoop.HUMAN_SAMPLING);
    }

    private List<String> find(DetectionQuery q) {
        DetectionPage page = store.query(q);
        assertThat(page.nextCursor()).as("everything fits on one page").isNull();
        return ids(page.detections());
    }

    @Test
    void queryIsNewestFirstAndEachFilterSelectsExactlyItsRecords() {
        insertMixedSet();
        assertThat(find(DetectionQuery.all(50))).containsExactly("m9", "m8", "m7", "m6", "m5", "m4", "m3", "m2", "m1", "m0");
        // time range: from inclusive, to exclusive
        assertThat(find(new DetectionQuery(T0.plusSeconds(120), T0.plusSeconds(300), null, null, null, null, null, 50, null)))
                .containsExactly("m4", "m3", "m2");
        assertThat(find(new DetectionQuery(T0.plusSeconds(500), null, null, null, null, null, null, 50, null)))
                .containsExactly("m9");
        assertThat(find(new DetectionQuery(null, T0.plusSeconds(60), null, null, null, null, null, 50, null)))
                .containsExactly("m0");
        assertThat(find(new DetectionQuery(T0.plusSeconds(300), T0.plusSeconds(100), null, null, null, null, null, 50, null)))
                .as("an empty range").isEmpty();
        // label
        assertThat(find(new DetectionQuery(null, null, "dog", null, null, null, null, 50, null))).containsExactly("m7", "m6", "m1");
        assertThat(find(new DetectionQuery(null, null, "bird", null, null, null, null, 50, null))).isEmpty();
        // reviewed = a human answered
        assertThat(find(new DetectionQuery(null, null, null, true, null, null, null, 50, null))).containsExactly("m6", "m5", "m4");
        assertThat(find(new DetectionQuery(null, null, null, false, null, null, null, 50, null)))
                .containsExactly("m9", "m8", "m7", "m3", "m2", "m1", "m0");
        // sampled
        assertThat(find(new DetectionQuery(null, null, null, null, true, null, null, 50, null))).containsExactly("m7", "m6", "m5");
        assertThat(find(new DetectionQuery(null, null, null, null, false, null, null, 50, null)))
                .containsExactly("m9", "m8", "m4", "m3", "m2", "m1", "m0");
        // below threshold (confidence < threshold 70)
        assertThat(find(new DetectionQuery(null, null, null, null, null, true, null, 50, null))).containsExactly("m8", "m4", "m1");
        assertThat(find(new DetectionQuery(null, null, null, null, null, false, null, 50, null)))
                .containsExactly("m9", "m7", "m6", "m5", "m3", "m2", "m0");
        // outcome
        assertThat(find(new DetectionQuery(null, null, null, null, null, null, Outcome.NO_MODEL, 50, null))).containsExactly("m9", "m2");
        assertThat(find(new DetectionQuery(null, null, null, null, null, null, Outcome.REJECTED, 50, null))).containsExactly("m3");
        // combined
        assertThat(find(new DetectionQuery(T0.plusSeconds(60), T0.plusSeconds(480), "cat", null, null, true, Outcome.CLASSIFIED, 50, null)))
                .containsExactly("m4");
    }

    @Test
    void pagingWalksThreePagesWithoutDuplicatesOrGaps() {
        List<String> expected = new ArrayList<>();
        // 25 records; groups of three share a timestamp, so the id must break ties
        for (int i = 0; i < 25; i++) {
            Instant at = T0.plusMillis((i / 3) * 1000L);
            String id = String.format("p%02d", i);
            store.insertIfAbsent(classified(id, at, i % 2 == 0 ? "cat" : "dog", 80.0));
            expected.add(0, id);
        }
        store.insertIfAbsent(detection("other", T0.plusSeconds(3), null, Outcome.REJECTED, null));

        List<String> seen = new ArrayList<>();
        String cursor = null;
        List<Integer> sizes = new ArrayList<>();
        do {
            DetectionPage page = store.query(new DetectionQuery(null, null, null, null, null, null, Outcome.CLASSIFIED, 10, cursor));
            sizes.add(page.detections().size());
            seen.addAll(ids(page.detections()));
            cursor = page.nextCursor();
        } while (cursor != null && sizes.size() < 10);

        assertThat(sizes).containsExactly(10, 10, 5);
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(new HashSet<>(seen)).hasSize(25);

        // a time range and a label together with paging
        List<String> cats = new ArrayList<>();
        cursor = null;
        int pages = 0;
        do {
            DetectionPage page = store.query(new DetectionQuery(T0.plusSeconds(1), T0.plusSeconds(7), "cat", null, null, null, null, 2, cursor));
            cats.addAll(ids(page.detections()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null && pages < 20);
        // seconds 1..6 hold p03..p20; the even ones are cats
        assertThat(cats).containsExactly("p20", "p18", "p16", "p14", "p12", "p10", "p08", "p06", "p04");
    }

    @Test
    void aCursorThatWasNotIssuedIsRefused() {
        assertThatThrownBy(() -> store.query(new DetectionQuery(null, null, null, null, null, null, null, 10, "not-a-cursor!")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
    }

    @Test
    void classifiedAfterWalksOldestFirstAndBreaksTimeTiesById() {
        Instant t = T0.plusSeconds(10);
        store.insertIfAbsent(classified("z-before", T0, "cat", 90.0));
        store.insertIfAbsent(classified("c", t, "cat", 90.0));
        store.insertIfAbsent(classified("a", t, "cat", 90.0));
        store.insertIfAbsent(classified("b", t, "cat", 90.0));
        store.insertIfAbsent(detection("b2-no-model", t, null, Outcome.NO_MODEL, null));
        store.insertIfAbsent(detection("r-rejected", t.plusSeconds(1), null, Outcome.REJECTED, null));
        store.insertIfAbsent(classified("a-after", t.plusSeconds(2), "dog", 90.0));

        assertThat(ids(store.classifiedAfter(null, null, 100))).containsExactly("z-before", "a", "b", "c", "a-after");
        assertThat(ids(store.classifiedAfter(t, "a", 100))).containsExactly("b", "c", "a-after");
        assertThat(ids(store.classifiedAfter(t, "c", 100))).containsExactly("a-after");
        assertThat(ids(store.classifiedAfter(t, null, 100))).as("no id: from that time on").containsExactly("a", "b", "c", "a-after");
        assertThat(ids(store.classifiedAfter(t, "a", 2))).containsExactly("b", "c");
        assertThat(store.classifiedAfter(t.plusSeconds(2), "a-after", 100)).isEmpty();
    }

    @Test
    void waitingForModelListsNoModelRecordsOldestFirst() {
        store.insertIfAbsent(detection("n2", T0.plusSeconds(20), null, Outcome.NO_MODEL, null));
        store.insertIfAbsent(classified("c1", T0.plusSeconds(5), "cat", 90.0));
        store.insertIfAbsent(detection("n1", T0.plusSeconds(10), null, Outcome.NO_MODEL, null));
        store.insertIfAbsent(detection("r1", T0, null, Outcome.REJECTED, null));
        store.insertIfAbsent(detection("n3", T0.plusSeconds(30), null, Outcome.NO_MODEL, null));

        assertThat(ids(store.waitingForModel(10))).containsExactly("n1", "n2", "n3");
        assertThat(ids(store.waitingForModel(2))).containsExactly("n1", "n2");
        store.replace(classified("n1", T0.plusSeconds(10), "dog", 80.0));
        assertThat(ids(store.waitingForModel(10))).containsExactly("n2", "n3");
    }

    @Test
    void statsCountOutcomesReviewsSamplesAndAgreement() {
        DetectionStats empty = store.stats(null);
        assertThat(empty.total()).isZero();
        assertThat(empty.agreement()).as("no answered sample yet").isNull();

        insertMixedSet();
        DetectionStats all = store.stats(null);
        assertThat(all.total()).isEqualTo(10);
        assertThat(all.byOutcome()).containsEntry("CLASSIFIED", 7L).containsEntry("NO_MODEL", 2L).containsEntry("REJECTED", 1L);
        assertThat(all.belowThreshold()).isEqualTo(3);
        assertThat(all.reviewed()).isEqualTo(3);
        assertThat(all.sampled()).isEqualTo(3);
        assertThat(all.samplesAnswered()).isEqualTo(2);
        assertThat(all.samplesAgreed()).isEqualTo(1);
        assertThat(all.agreement()).isEqualTo(0.5);

        // since m5: m5..m9
        DetectionStats recent = store.stats(T0.plusSeconds(300));
        assertThat(recent.total()).isEqualTo(5);
        assertThat(recent.byOutcome()).containsEntry("CLASSIFIED", 4L).containsEntry("NO_MODEL", 1L).containsEntry("REJECTED", 0L);
        assertThat(recent.belowThreshold()).isEqualTo(1);
        assertThat(recent.reviewed()).isEqualTo(2);
        assertThat(recent.samplesAnswered()).isEqualTo(2);
        assertThat(recent.samplesAgreed()).isEqualTo(1);

        // since m6: the one answered sample disagreed
        assertThat(store.stats(T0.plusSeconds(360)).agreement()).isEqualTo(0.0);
        Set<String> keys = store.stats(T0.plusSeconds(3600)).byOutcome().keySet();
        assertThat(keys).containsExactlyInAnyOrder("CLASSIFIED", "NO_MODEL", "REJECTED");
    }

    @Test
    void hourlyCountsOutcomesAndReviewsPerUtcHourOfDetection() {
        Instant h10 = Instant.parse("2026-11-24T10:00:00Z");
        store.insertIfAbsent(classified("a", h10, "cat", 90.0));
        store.insertIfAbsent(classified("b", h10.plusSeconds(3599).plusNanos(999_999_999), "dog", 40.0));
        store.insertIfAbsent(detection("c", h10.plusSeconds(60), null, Outcome.NO_MODEL, null));
        store.insertIfAbsent(classified("d", h10.plusSeconds(3600), "cat", 80.0)); // 11:00 sharp
        store.insertIfAbsent(detection("e", h10.plusSeconds(3 * 3600 + 5), null, Outcome.REJECTED, null));
        store.insertIfAbsent(classified("f", h10.minusNanos(1), "cat", 99.0)); // 09:59:59.999999999
        store.attachLoop("b", "review-b", HumanLoop.A2I_WORKFLOW);
        store.recordReview("b", "dog", h10.plusSeconds(7200), null, null);

        assertThat(store.hourly(h10)).containsExactly(
                new HourlyCounts(h10, 2, 1, 0, 1),
                new HourlyCounts(h10.plusSeconds(3600), 1, 0, 0, 0),
                new HourlyCounts(h10.plusSeconds(3 * 3600), 0, 0, 1, 0));
        assertThat(store.hourly(null)).first().isEqualTo(new HourlyCounts(h10.minusSeconds(3600), 1, 0, 0, 0));
        assertThat(store.hourly(h10.plusSeconds(3601))).containsExactly(new HourlyCounts(h10.plusSeconds(3 * 3600), 0, 0, 1, 0));
    }

    @Test
    void confidenceHistogramBinsClassifiedConfidencesWithEdgesInTheUpperBin() {
        double[] confidences = {0.0, 4.999, 5.0, 50.0, 69.99, 70.0, 99.5, 100.0};
        for (int i = 0; i < confidences.length; i++) {
            store.insertIfAbsent(classified("c" + i, T0.plusSeconds(i), "cat", confidences[i]));
        }
        store.insertIfAbsent(detection("n", T0, null, Outcome.NO_MODEL, null));
        store.insertIfAbsent(detection("old", T0.minusSeconds(3600), "cat", Outcome.CLASSIFIED, 10.0));

        ConfidenceHistogram h = store.confidenceHistogram(T0, 20);
        assertThat(h.total()).isEqualTo(8);
        assertThat(h.bins()).hasSize(20);
        assertThat(h.bins().get(0)).isEqualTo(new ConfidenceHistogram.Bin(0, 5, 2));
        assertThat(h.bins().get(1)).isEqualTo(new ConfidenceHistogram.Bin(5, 10, 1));
        assertThat(h.bins().get(10).count()).isEqualTo(1);
        assertThat(h.bins().get(13).count()).as("69.99").isEqualTo(1);
        assertThat(h.bins().get(14).count()).as("70").isEqualTo(1);
        assertThat(h.bins().get(19)).as("99.5 and 100").isEqualTo(new ConfidenceHistogram.Bin(95, 100, 2));

        ConfidenceHistogram all = store.confidenceHistogram(null, 3);
        assertThat(all.total()).isEqualTo(9);
        assertThat(all.bins()).extracting(ConfidenceHistogram.Bin::count).containsExactly(4L, 1L, 4L);
        assertThat(store.confidenceHistogram(T0.plusSeconds(3600), 4).total()).isZero();
        assertThatThrownBy(() -> store.confidenceHistogram(null, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
