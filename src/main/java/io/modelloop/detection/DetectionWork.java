package io.modelloop.detection;

import io.modelloop.model.Classification;
import io.modelloop.runs.RunRecorder;
import java.time.Instant;

/**
 * One image on its way through the detect route: the message body each step reads and adds to,
 * and what the route's choices test ({@code ${body.outcome}}, {@code ${body.confidence}},
 * {@code ${body.label}}, ...). The recorded {@link Detection} is set by the record step; before it
 * only the object and what the steps found so far are known.
 */
public final class DetectionWork {

    private final ObjectVersion object;
    private final Instant started;
    private final RunRecorder.Run run;
    private final double threshold;
    private final boolean reviewEnabled;
    private Detection.Outcome outcome;
    private String reason;
    private String modelVersion;
    private Classification classification;
    private Detection detection;
    private boolean duplicate;
    private String loopName;
    private boolean finished;

    /** @param threshold and reviewEnabled: the parameters in force for this image, recorded with it */
    DetectionWork(ObjectVersion object, Instant started, RunRecorder.Run run, double threshold, boolean reviewEnabled) {
        this.object = object;
        this.started = started;
        this.run = run;
        this.threshold = threshold;
        this.reviewEnabled = reviewEnabled;
    }

    /** A delivery of an object version that is recorded already: only its record matters. */
    static DetectionWork recorded(ObjectVersion object, Detection detection) {
        DetectionWork w = new DetectionWork(object, detection.detectedAt(), null,
                detection.threshold() == null ? 0 : detection.threshold(), detection.reviewEnabled());
        w.detection = detection;
        w.duplicate = true;
        w.outcome = detection.outcome();
        return w;
    }

    public ObjectVersion object() {
        return object;
    }

    Instant started() {
        return started;
    }

    RunRecorder.Run run() {
        return run;
    }

    double threshold() {
        return threshold;
    }

    boolean reviewEnabled() {
        return reviewEnabled;
    }

    void decide(Detection.Outcome outcome, String modelVersion, String reason, Classification classification) {
        this.outcome = outcome;
        this.modelVersion = modelVersion;
        this.reason = reason;
        this.classification = classification;
    }

    /** CLASSIFIED, REJECTED or NO_MODEL once decided; null while the image is still being looked at. */
    public Detection.Outcome outcome() {
        return outcome;
    }

    public String reason() {
        return reason;
    }

    String modelVersion() {
        return modelVersion;
    }

    Classification classification() {
        return classification;
    }

    /** The label the model gave (null: none, or not classified). */
    public String label() {
        return detection != null ? detection.label() : classification == null ? null : classification.label();
    }

    /** The confidence the model gave, 0-100 (null: not classified). */
    public Double confidence() {
        return detection != null ? detection.confidence() : classification == null ? null : classification.confidence();
    }

    void recorded(Detection d, boolean duplicate) {
        this.detection = d;
        this.duplicate = duplicate;
    }

    /** The record of this object version, once the record step wrote it (or found it). */
    public Detection detection() {
        return detection;
    }

    /** True when this delivery found the object version recorded already (a duplicate or a redelivery). */
    public boolean duplicate() {
        return duplicate;
    }

    /**
     * The rule of SPEC 4.1 on the recorded values: classified, review enabled and the confidence
     * below the threshold when detected, and no loop yet (so a redelivery starts a loop a crash
     * interrupted, and never a second one).
     */
    public boolean needsReview() {
        Detection d = detection;
        return d != null && d.outcome() == Detection.Outcome.CLASSIFIED && d.reviewEnabled() && d.belowThreshold()
                && d.humanLoopName() == null;
    }

    void finished() {
        this.finished = true;
    }

    boolean isFinished() {
        return finished;
    }

    /** Called by the start-review route once the loop is attached to the record. */
    public void loopStarted(String name) {
        this.loopName = name;
    }

    /** The loop this delivery started (null: none). */
    public String loopName() {
        return loopName;
    }
}
