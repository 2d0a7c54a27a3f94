package io.modelloop.review;

import io.modelloop.detection.Detection;
import io.modelloop.detection.DetectionStore;
import io.modelloop.detection.HumanLoop;
import io.modelloop.notify.Notifier;
import io.modelloop.ops.LoopMetrics;
import io.modelloop.parameters.ParameterService;
import io.modelloop.runs.RunRecord;
import io.modelloop.runs.RunRecorder;
import io.modelloop.state.SystemState;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.training.CurrentLabels;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Quality sampling (SPEC 4.3): after the last sampled detection (at first, the time sampling
 * started), every Human-Sampling-Interval-th classified detection goes to review as a
 * "Human Sampling" loop, until fewer than the interval remain. The cursor is in the system
 * state, so sampling resumes where it stopped after a restart.
 */
public final class HumanSampling {

    public static final String RUN_TYPE = "SAMPLING_CHECK";

    private final DetectionStore store;
    private final HumanReview review;
    private final CurrentLabels labels;
    private final ParameterService parameters;
    private final SystemStateRepository systemState;
    private final RunRecorder runs;
    private final Notifier notifier;
    private final LoopMetrics metrics;
    private final Clock clock;

    public HumanSampling(DetectionStore store, HumanReview review, CurrentLabels labels, ParameterService parameters,
                         SystemStateRepository systemState, RunRecorder runs, Notifier notifier, LoopMetrics metrics,
                         Clock clock) {
        this.store = store;
        this.review = review;
        this.labels = labels;
        this.parameters = parameters;
        this.systemState = systemState;
        this.runs = runs;
        this.notifier = notifier;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** One sampling check on its way through the sampling-check route. */
    public static final class Check {
        private final RunRecorder.Run run;
        private final int interval;
        private final boolean firstCheck;
        private java.time.Instant cursorTime;
        private String cursorId;
        private Detection pick;
        private final List<String> sampled = new ArrayList<>();

        Check(RunRecorder.Run run, int interval, boolean firstCheck, java.time.Instant cursorTime, String cursorId) {
            this.run = run;
            this.interval = interval;
            this.firstCheck = firstCheck;
            this.cursorTime = cursorTime;
            this.cursorId = cursorId;
        }

        /** No sample taken yet: this check starts the count. */
        public boolean firstCheck() {
            return firstCheck;
        }

        /** The next detection to sample (the interval-th after the cursor), null when fewer remain. */
        public Detection pick() {
            return pick;
        }

        public List<String> sampled() {
            return List.copyOf(sampled);
        }
    }

    /** Opens the run record; the route's choice then starts the count or picks samples. */
    public Check begin(String trigger) {
        int interval = parameters.values().humanSamplingInterval();
        RunRecorder.Run run = runs.start(RUN_TYPE, Map.of("trigger", trigger == null ? "manual" : trigger,
                "interval", interval));
        SystemState state = systemState.load();
        return new Check(run, interval, state.lastSampledAt() == null, state.lastSampledAt(),
                state.lastSampledDetectionId() == null ? "" : state.lastSampledDetectionId());
    }

    /** The first check starts the count: detections from now on are sampled. */
    public void startCounting(Check c) {
        systemState.update(s -> s.withLastSampled(null, clock.instant()));
        c.run.succeed(Map.of("sampled", 0, "decision", "sampling starts counting from now"));
    }

    /** Finds the interval-th classified detection after the cursor (null when fewer than the interval remain). */
    public void nextPick(Check c) {
        List<Detection> batch = store.classifiedAfter(c.cursorTime, c.cursorId, c.interval);
        c.pick = batch.size() < c.interval ? null : batch.get(c.interval - 1);
    }

    /**
     * Sends the pick to review as a "Human Sampling" loop (unless it has a loop already), then
     * moves the cursor past it, durably, so a restart resumes after it.
     */
    public synchronized void sample(Check c) {
        Detection pick = c.pick;
        if (pick.humanLoopName() == null) {
            HumanLoop loop = HumanLoop.open(HumanLoop.HUMAN_SAMPLING, pick.id(), pick.label(), pick.confidence(),
                    pick.bucket(), pick.key(), labels.get(), clock.instant())
                    .withConfidenceParts(pick.confidenceReason(), pick.classProbability(), pick.familiarity());
            review.start(loop);
            if (store.attachLoop(pick.id(), loop.name(), HumanLoop.HUMAN_SAMPLING)) {
                c.sampled.add(pick.id());
                metrics.loopStarted(HumanLoop.HUMAN_SAMPLING);
            }
        }
        c.cursorTime = pick.detectedAt();
        c.cursorId = pick.id();
        String id = c.cursorId;
        java.time.Instant at = c.cursorTime;
        systemState.update(s -> s.withLastSampled(id, at));
    }

    /** Closes the run record with the detections sampled, and notifies them. */
    public RunRecord finish(Check c) {
        c.run.succeed(Map.of("sampled", c.sampled.size(), "detections", c.sampled()));
        if (!c.sampled.isEmpty()) {
            notifier.notify("HumanSamplingStarted", c.sampled.size() + " detection(s) sent for quality review (one in "
                    + c.interval + ")", Map.of("detections", c.sampled(), "interval", c.interval));
        }
        return c.run.record();
    }
}
