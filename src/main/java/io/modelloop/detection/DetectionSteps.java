package io.modelloop.detection;

import io.modelloop.model.Classification;
import io.modelloop.model.ImageRef;
import io.modelloop.model.InvalidImageException;
import io.modelloop.model.ModelBackend;
import io.modelloop.model.NoRunningModelException;
import io.modelloop.ops.LoopMetrics;
import io.modelloop.runs.RunRecorder;
import io.modelloop.state.SystemStateRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The steps of the detect route (routes/detection.yaml, SPEC 4.1), one method each: the route
 * holds the order and the choices, these hold the work. A transient fault (throttled model, store
 * unreachable) is thrown, so the route retries the step and then the trigger delivers again.
 */
public final class DetectionSteps {

    public static final String RUN_TYPE = "DETECTION";

    private final ImageValidator validator;
    private final ModelBackend model;
    private final DetectionStore store;
    private final SystemStateRepository systemState;
    private final RunRecorder runs;
    private final LoopMetrics metrics;
    private final Clock clock;

    public DetectionSteps(ImageValidator validator, ModelBackend model, DetectionStore store,
                          SystemStateRepository systemState, RunRecorder runs, LoopMetrics metrics, Clock clock) {
        this.validator = validator;
        this.model = model;
        this.store = store;
        this.systemState = systemState;
        this.runs = runs;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The record of an object version delivered again (the idempotent consumer found it). */
    public DetectionWork recorded(ObjectVersion object) {
        Detection d = store.get(object.detectionId())
                .orElseThrow(() -> new IllegalStateException("no record of " + object.idempotencyKey()));
        return DetectionWork.recorded(object, d);
    }

    /**
     * Opens the run record of a new detection, with the parameters in force for it. It is kept in
     * memory: saved by the record step just before the detection record is written (from then on a
     * redelivery does not detect the image again), and when it ends. A crash before that loses only
     * steps the redelivery does again, and records again.
     */
    public DetectionWork begin(ObjectVersion object, double threshold, boolean reviewEnabled) {
        return new DetectionWork(object, clock.instant(), runs.startBuffered(RUN_TYPE, Map.of("bucket", object.bucket(),
                "key", object.key(), "version", object.idempotencyKey())), threshold, reviewEnabled);
    }

    /** Checks the object is an image by its content; one that is not is REJECTED with the reason. */
    public void validate(DetectionWork w) throws Exception {
        try {
            w.run().step("validate", () -> validator.validate(w.object()), type -> Map.of("contentType", type));
        } catch (InvalidImageException e) {
            w.decide(Detection.Outcome.REJECTED, null, e.getMessage(), null);
        }
    }

    /** Classifies with the running model version: CLASSIFIED, or NO_MODEL (none runs) or REJECTED (it cannot read it). */
    public void classify(DetectionWork w) throws Exception {
        String version = systemState.recent(Duration.ofSeconds(2)).runningModelVersion();
        if (version == null) {
            w.decide(Detection.Outcome.NO_MODEL, null, "no model is running", null);
            return;
        }
        try {
            Classified c = w.run().step("classify", () -> classifyWith(version, w.object()), DetectionSteps::classifyOutput);
            w.decide(Detection.Outcome.CLASSIFIED, c.version(), null, c.result());
        } catch (NoRunningModelException e) {
            w.decide(Detection.Outcome.NO_MODEL, version, e.getMessage(), null);
        } catch (InvalidImageException e) {
            w.decide(Detection.Outcome.REJECTED, version, e.getMessage(), null);
        }
    }

    /**
     * Writes the record, once per object version: a concurrent delivery that recorded it first
     * makes this one a duplicate (the route stops there). A NO_MODEL record is replaced, since the
     * image waited for a model and is now detected.
     */
    public void record(DetectionWork w) {
        Detection d = toRecord(w);
        w.run().checkpoint(); // the steps so far, durable before the record that ends redetection
        boolean first = store.insertIfAbsent(d);
        if (!first && store.get(d.id()).filter(x -> x.outcome() == Detection.Outcome.NO_MODEL).isPresent()) {
            first = store.replace(d);
        }
        if (!first) {
            w.run().succeed(Map.of("duplicate", true));
            w.recorded(store.get(d.id()).orElse(d), true);
            return;
        }
        w.recorded(d, false);
        metrics.detection(d.outcome().name());
        if (w.object().eventTime() != null && d.outcome() == Detection.Outcome.CLASSIFIED) {
            metrics.uploadToDetection(Duration.between(w.object().eventTime(), d.detectedAt()));
        }
    }

    /** Closes the run record with what was detected (and the loop, when one was started). */
    public void finish(DetectionWork w) {
        w.run().succeed(DetectionSummary.of(w.detection(), w.loopName()));
        w.finished();
    }

    /** After the last retry: the run record says why, and the trigger delivers the image again. */
    public void failed(Object body, Exception e) {
        if (body instanceof DetectionWork w && w.run() != null && !w.duplicate() && !w.isFinished()) {
            w.run().fail(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), Map.of("retried", true));
        }
    }

    private Detection toRecord(DetectionWork w) {
        ObjectVersion o = w.object();
        Classification c = w.classification();
        Classification.ConfidenceParts parts = c == null ? null : c.parts();
        return Detection.builder()
                .id(o.detectionId()).objectKey(o.idempotencyKey()).detectedAt(w.started())
                .bucket(o.bucket()).key(o.key()).etag(o.etag()).sequencer(o.sequencer()).uploadedAt(o.eventTime())
                .modelVersion(w.modelVersion()).outcome(w.outcome()).reason(w.reason())
                .label(c == null ? null : c.label()).confidence(c == null ? null : c.confidence())
                .threshold(w.threshold()).reviewEnabled(w.reviewEnabled())
                .classProbability(parts == null ? null : parts.classProbability())
                .familiarity(parts == null ? null : parts.familiarity())
                .confidenceReason(c == null ? null : c.reason().name())
                .build();
    }

    private record Classified(String version, Classification result) {
    }

    /** The classify step's output: the label, the confidence and, when the backend gave them, its parts. */
    private static Map<String, Object> classifyOutput(Classified r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", DetectionSummary.labelText(r.result().label()));
        m.put("confidence", r.result().confidence());
        m.put("modelVersion", r.version());
        Classification.ConfidenceParts parts = r.result().parts();
        if (parts != null) {
            m.put("classProbability", parts.classProbability());
            if (parts.familiarity() != null) {
                m.put("familiarity", parts.familiarity());
            }
        }
        m.put("confidenceReason", r.result().reason().name());
        return m;
    }

    /** Classifies; a version stopped since the cached state was read is retried once with a fresh read (blue/green). */
    private Classified classifyWith(String version, ObjectVersion o) {
        ImageRef ref = new ImageRef(o.bucket(), o.key());
        try {
            return new Classified(version, model.classify(version, ref));
        } catch (NoRunningModelException e) {
            String fresh = systemState.load().runningModelVersion();
            if (fresh == null || fresh.equals(version)) {
                throw e;
            }
            return new Classified(fresh, model.classify(fresh, ref));
        }
    }
}
