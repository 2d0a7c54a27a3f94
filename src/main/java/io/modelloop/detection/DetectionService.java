package io.modelloop.detection;

import io.modelloop.model.Classification;
import io.modelloop.model.ImageRef;
import io.modelloop.model.InvalidImageException;
import io.modelloop.model.ModelBackend;
import io.modelloop.model.NoRunningModelException;
import io.modelloop.notify.Notifier;
import io.modelloop.ops.LoopMetrics;
import io.modelloop.parameters.ParameterService;
import io.modelloop.parameters.ParameterValues;
import io.modelloop.parameters.SystemStateRepository;
import io.modelloop.review.HumanLoop;
import io.modelloop.review.HumanReview;
import io.modelloop.review.SentForReview;
import io.modelloop.runs.RunRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detection of one image (SPEC 4.1): validate, classify with the running model, record, send
 * low-confidence results to human review, notify. Idempotent per object version: a duplicate
 * delivery finds the record and at most completes a loop start a crash interrupted. A transient
 * fault (throttled model, store unreachable) is thrown, so the trigger delivers again.
 */
public final class DetectionService {

    public static final String RUN_TYPE = "DETECTION";
    private static final Logger LOG = LoggerFactory.getLogger(DetectionService.class);

    private final ImageValidator validator;
    private final ModelBackend model;
    private final DetectionStore store;
    private final HumanReview review;
    private final CurrentLabels labels;
    private final ParameterService parameters;
    private final SystemStateRepository systemState;
    private final RunRecorder runs;
    private final Notifier notifier;
    private final LoopMetrics metrics;
    private final Clock clock;

    public DetectionService(ImageValidator validator, ModelBackend model, DetectionStore store, HumanReview review,
                            CurrentLabels labels, ParameterService parameters, SystemStateRepository systemState,
                            RunRecorder runs, Notifier notifier, LoopMetrics metrics, Clock clock) {
        this.validator = validator;
        this.model = model;
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

    /** Detects one object version; returns its record. */
    public Detection detect(ObjectVersion object) throws Exception {
        Optional<Detection> existing = store.get(object.detectionId());
        if (existing.isPresent() && existing.get().outcome() != Detection.Outcome.NO_MODEL) {
            // a duplicate delivery, or a redelivery after a crash: finish what may be missing, once
            Detection d = existing.get();
            if (needsReview(d)) {
                startReview(d);
            }
            LOG.debug("Duplicate delivery of {} ignored", object.idempotencyKey());
            return d;
        }
        Instant started = clock.instant();
        RunRecorder.Run run = runs.start(RUN_TYPE, Map.of("bucket", object.bucket(), "key", object.key(),
                "version", object.idempotencyKey()));
        ParameterValues p = parameters.values();
        Detection d;
        try {
            d = classify(run, object, p, started);
        } catch (Exception e) {
            run.fail(message(e), Map.of("retried", true));
            throw e;
        }
        boolean first = existing.isPresent() ? store.replace(d) : store.insertIfAbsent(d);
        if (!first) {
            run.succeed(Map.of("duplicate", true));
            return store.get(d.id()).orElse(d);
        }
        metrics.detection(d.outcome().name());
        if (object.eventTime() != null && d.outcome() == Detection.Outcome.CLASSIFIED) {
            metrics.uploadToDetection(Duration.between(object.eventTime(), d.detectedAt()));
        }
        Map<String, Object> out = summary(d);
        if (needsReview(d)) {
            String loop = startReview(d);
            out.put("humanLoop", loop);
        }
        run.succeed(out);
        notifyResult(d, out);
        return d;
    }

    private Detection classify(RunRecorder.Run run, ObjectVersion o, ParameterValues p, Instant started) throws Exception {
        try {
            run.step("validate", () -> validator.validate(o), type -> Map.of("contentType", type));
        } catch (InvalidImageException e) {
            return record(o, null, Detection.Outcome.REJECTED, e.getMessage(), null, p, started);
        }
        String version = systemState.recent(Duration.ofSeconds(2)).runningModelVersion();
        if (version == null) {
            return record(o, null, Detection.Outcome.NO_MODEL, "no model is running", null, p, started);
        }
        try {
            Classified c = run.step("classify", () -> classifyWith(version, o), DetectionService::classifyOutput);
            return record(o, c.version(), Detection.Outcome.CLASSIFIED, null, c.result(), p, started);
        } catch (NoRunningModelException e) {
            return record(o, version, Detection.Outcome.NO_MODEL, e.getMessage(), null, p, started);
        } catch (InvalidImageException e) {
            return record(o, version, Detection.Outcome.REJECTED, e.getMessage(), null, p, started);
        }
    }

    private record Classified(String version, Classification result) {
    }

    /** The classify step's output: the label, the confidence and, when the backend gave them, its parts. */
    private static Map<String, Object> classifyOutput(Classified r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", labelText(r.result().label()));
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

    private Detection record(ObjectVersion o, String version, Detection.Outcome outcome, String reason, Classification c,
                             ParameterValues p, Instant at) {
        Classification.ConfidenceParts parts = c == null ? null : c.parts();
        return new Detection(o.detectionId(), o.idempotencyKey(), at, o.bucket(), o.key(), o.etag(), o.sequencer(),
                version, outcome, reason, c == null ? null : c.label(), c == null ? null : c.confidence(),
                p.minimumLabelDetectionConfidence(), p.humanReviewEnabled(), false, null, null, null, null, null, null,
                o.eventTime(), parts == null ? null : parts.classProbability(), parts == null ? null : parts.familiarity(),
                c == null ? null : c.reason().name());
    }

    private boolean needsReview(Detection d) {
        return d.outcome() == Detection.Outcome.CLASSIFIED && d.reviewEnabled() && d.belowThreshold()
                && d.humanLoopName() == null;
    }

    /** Starts the review loop (idempotent by name), then attaches it: a crash in between repeats only the start. */
    private String startReview(Detection d) {
        HumanLoop loop = HumanLoop.open(HumanLoop.A2I_WORKFLOW, d.id(), d.label(), d.confidence(), d.bucket(), d.key(),
                labels.get(), clock.instant()).withConfidenceParts(d.confidenceReason(), d.classProbability(), d.familiarity());
        String name = loop.name();
        HumanReview.StartResult result = review.start(loop);
        if (store.attachLoop(d.id(), name, HumanLoop.A2I_WORKFLOW) && result == HumanReview.StartResult.STARTED) {
            metrics.loopStarted(HumanLoop.A2I_WORKFLOW);
            Map<String, Object> data = new LinkedHashMap<>(Map.of("humanLoop", name, "detection", d.id(), "key", d.key(),
                    "source", HumanLoop.A2I_WORKFLOW));
            if (d.confidenceReason() != null) {
                data.put("confidenceReason", d.confidenceReason());
            }
            notifier.notify("HumanLoopStarted", "Review requested for " + d.key() + ": "
                    + labelText(d.label()) + " at " + round(d.confidence()) + "% is below "
                    + round(d.threshold()) + "% (" + SentForReview.brief(loop) + ")", data);
        }
        return name;
    }

    private void notifyResult(Detection d, Map<String, Object> out) {
        switch (d.outcome()) {
            case CLASSIFIED -> {
                metrics.confidence(d.confidence());
                notifier.notify("ImageClassified", d.key() + ": " + labelText(d.label()) + " (" + round(d.confidence()) + "%)", out);
            }
            case REJECTED -> notifier.notify("ImageRejected", d.key() + " rejected: " + d.reason(), out);
            case NO_MODEL -> notifier.notify("NoModelRunning", d.key() + " waits: no model is running; it is detected "
                    + "once one runs", out);
        }
    }

    private static Map<String, Object> summary(Detection d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("detection", d.id());
        m.put("bucket", d.bucket());
        m.put("key", d.key());
        m.put("outcome", d.outcome().name());
        if (d.outcome() == Detection.Outcome.CLASSIFIED) {
            if (d.label() != null) {
                m.put("label", d.label());
            }
            m.put("confidence", d.confidence());
            m.put("threshold", d.threshold());
            m.put("modelVersion", d.modelVersion());
        }
        if (d.classProbability() != null) {
            m.put("classProbability", d.classProbability());
        }
        if (d.familiarity() != null) {
            m.put("familiarity", d.familiarity());
        }
        if (d.confidenceReason() != null) {
            m.put("confidenceReason", d.confidenceReason());
        }
        if (d.reason() != null) {
            m.put("reason", d.reason());
        }
        return m;
    }

    /** A model may answer no label at all (Rekognition with no custom label): said so, not "null". */
    private static String labelText(String label) {
        return label == null ? "no label" : label;
    }

    private static String round(Double v) {
        return v == null ? "?" : String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
