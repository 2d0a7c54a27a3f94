package io.modelloop.review;

import io.modelloop.detection.Detection;
import io.modelloop.detection.DetectionStore;
import io.modelloop.detection.DetectionSummary;
import io.modelloop.detection.DetectionWork;
import io.modelloop.detection.HumanLoop;
import io.modelloop.notify.Notifier;
import io.modelloop.ops.LoopMetrics;
import io.modelloop.training.CurrentLabels;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The steps of the start-review route (routes/review.yaml) around the review backend's own start:
 * the loop a detection gets (its name derives from the detection, so starting it again after a
 * crash finds the same loop), attaching it to the record, and the HumanLoopStarted notification.
 */
public final class ReviewRequests {

    private final DetectionStore store;
    private final CurrentLabels labels;
    private final Notifier notifier;
    private final LoopMetrics metrics;
    private final Clock clock;

    public ReviewRequests(DetectionStore store, CurrentLabels labels, Notifier notifier, LoopMetrics metrics, Clock clock) {
        this.store = store;
        this.labels = labels;
        this.notifier = notifier;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The review loop for the detection: its labels to choose from, the model's answer and why it was unsure. */
    public HumanLoop open(DetectionWork w) {
        Detection d = w.detection();
        return HumanLoop.open(HumanLoop.A2I_WORKFLOW, d.id(), d.label(), d.confidence(), d.bucket(), d.key(),
                labels.get(), clock.instant()).withConfidenceParts(d.confidenceReason(), d.classProbability(), d.familiarity());
    }

    /**
     * Attaches the started loop to the detection record; true when this delivery is the one that
     * started and attached it (only then is it counted and notified).
     */
    public boolean attach(DetectionWork w, HumanLoop loop, HumanReview.StartResult result) {
        boolean attached = store.attachLoop(w.detection().id(), loop.name(), HumanLoop.A2I_WORKFLOW);
        w.loopStarted(loop.name());
        return attached && result == HumanReview.StartResult.STARTED;
    }

    public void announce(DetectionWork w, HumanLoop loop) {
        Detection d = w.detection();
        metrics.loopStarted(HumanLoop.A2I_WORKFLOW);
        Map<String, Object> data = new LinkedHashMap<>(Map.of("humanLoop", loop.name(), "detection", d.id(),
                "key", d.key(), "source", HumanLoop.A2I_WORKFLOW));
        if (d.confidenceReason() != null) {
            data.put("confidenceReason", d.confidenceReason());
        }
        notifier.notify("HumanLoopStarted", "Review requested for " + d.key() + ": "
                + DetectionSummary.labelText(d.label()) + " at " + DetectionSummary.round(d.confidence()) + "%"
                + (d.belowThreshold() ? " is below " + DetectionSummary.round(d.threshold()) + "%"
                : ", sent by a rule of the detect route") + " (" + SentForReview.brief(loop) + ")", data);
    }
}
