package io.modelloop.detection;

import io.modelloop.notify.Notifier;
import io.modelloop.ops.LoopMetrics;
import io.modelloop.parameters.ParameterService;
import io.modelloop.review.HumanLoop;
import io.modelloop.review.HumanReview;
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

    public synchronized RunRecord check(String trigger) {
        int interval = parameters.values().humanSamplingInterval();
        RunRecorder.Run run = runs.start(RUN_TYPE, Map.of("trigger", trigger == null ? "manual" : trigger,
                "interval", interval));
        SystemState state = systemState.load();
        if (state.lastSampledAt() == null) {
            // the first check starts the count: detections from now on are sampled
            systemState.update(s -> s.withLastSampled(null, clock.instant()));
            run.succeed(Map.of("sampled", 0, "decision", "sampling starts counting from now"));
            return run.record();
        }
        java.time.Instant cursorTime = state.lastSampledAt();
        String cursorId = state.lastSampledDetectionId() == null ? "" : state.lastSampledDetectionId();
        List<String> sampled = new ArrayList<>();
        while (true) {
            List<Detection> batch = store.classifiedAfter(cursorTime, cursorId, interval);
            if (batch.size() < interval) {
                break;
            }
            Detection pick = batch.get(interval - 1);
            if (pick.humanLoopName() == null) {
                HumanLoop loop = HumanLoop.open(HumanLoop.HUMAN_SAMPLING, pick.id(), pick.label(), pick.confidence(),
                        pick.bucket(), pick.key(), labels.get(), clock.instant())
                        .withConfidenceParts(pick.confidenceReason(), pick.classProbability(), pick.familiarity());
                review.start(loop);
                if (store.attachLoop(pick.id(), loop.name(), HumanLoop.HUMAN_SAMPLING)) {
                    sampled.add(pick.id());
                    metrics.loopStarted(HumanLoop.HUMAN_SAMPLING);
                }
            }
            cursorTime = pick.detectedAt();
            cursorId = pick.id();
            String id = cursorId;
            java.time.Instant at = cursorTime;
            systemState.update(s -> s.withLastSampled(id, at));
        }
        run.succeed(Map.of("sampled", sampled.size(), "detections", sampled));
        if (!sampled.isEmpty()) {
            notifier.notify("HumanSamplingStarted", sampled.size() + " detection(s) sent for quality review (one in "
                    + interval + ")", Map.of("detections", sampled, "interval", interval));
        }
        return run.record();
    }
}
