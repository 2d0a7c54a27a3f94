package io.modelloop.review;

import io.modelloop.detection.Detection;
import io.modelloop.detection.DetectionStore;
import io.modelloop.detection.HumanLoop;
import io.modelloop.notify.Notifier;
import io.modelloop.ops.LoopMetrics;
import io.modelloop.runs.RunRecorder;
import io.modelloop.training.CurrentLabels;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The steps of the review-result route (routes/review-results.yaml, SPEC 4.2), one per kind of
 * answer: the route reads the output and chooses; each method records the run, the answer on the
 * detection and the notification. A malformed output or a refused label is recorded and notified,
 * never retried; a failure reading or copying throws, so the output is tried again at the next poll.
 */
public final class ReviewAnswers {

    public static final String RUN_TYPE = "HUMAN_LOOP_RESULT";
    private static final Logger LOG = LoggerFactory.getLogger(ReviewAnswers.class);

    private final S3Client s3;
    private final String bucket;
    private final DetectionStore store;
    private final CurrentLabels labels;
    private final RunRecorder runs;
    private final Notifier notifier;
    private final LoopMetrics metrics;
    private final Clock clock;

    public ReviewAnswers(S3Client s3, String bucket, DetectionStore store, CurrentLabels labels, RunRecorder runs,
                         Notifier notifier, LoopMetrics metrics, Clock clock) {
        this.s3 = s3;
        this.bucket = bucket;
        this.store = store;
        this.labels = labels;
        this.runs = runs;
        this.notifier = notifier;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Reads and parses the output, and finds the detection it answers. */
    public ReviewResult read(String outputKey) {
        String text = s3.getObjectAsBytes(b -> b.bucket(bucket).key(outputKey)).asUtf8String();
        HumanLoopOutput.Answer answer;
        try {
            answer = HumanLoopOutput.parse(text);
        } catch (IllegalArgumentException e) {
            return new ReviewResult(outputKey, bucket, null, e.getMessage(), null);
        }
        Detection d = answer.detectionId() == null ? null : store.get(answer.detectionId()).orElse(null);
        return new ReviewResult(outputKey, bucket, answer, null, d);
    }

    public void invalid(ReviewResult r) {
        runs.start(RUN_TYPE, Map.of("output", r.outputKey())).fail(r.error(), Map.of());
        notifier.notify("HumanLoopOutputInvalid", "Human-loop output " + r.outputKey() + " cannot be used: " + r.error(),
                Map.of("output", r.outputKey(), "error", r.error()));
    }

    public void unknownDetection(ReviewResult r) {
        HumanLoopOutput.Answer a = r.answer();
        Map<String, Object> out = output(r);
        runs.start(RUN_TYPE, input(r)).fail("no detection " + a.detectionId() + " for loop " + a.humanLoopName(), out);
        notifier.notify("HumanLoopOutputInvalid", "Human loop " + a.humanLoopName() + " names no known detection", out);
    }

    /** A different answer for a detection answered before: recorded and notified; the first answer stands. */
    public void conflict(ReviewResult r) {
        HumanLoopOutput.Answer a = r.answer();
        Detection d = r.detection();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("output", r.outputKey());
        out.put("humanLoop", a.humanLoopName());
        out.put("detection", d.id());
        out.put("label", a.label());
        out.put("recordedLabel", String.valueOf(d.humanLabel()));
        out.put("recordedAt", String.valueOf(d.reviewedAt()));
        if (a.workerId() != null) {
            out.put("reviewer", a.workerId());
        }
        runs.start(RUN_TYPE, Map.of("output", r.outputKey(), "humanLoop", a.humanLoopName(), "label", a.label()))
                .fail("conflicting answer: detection " + d.id() + " was already answered '" + d.humanLabel() + "'", out);
        LOG.warn("Human-loop output {} answers '{}' but detection {} was already answered '{}': the first answer stands",
                r.outputKey(), printable(a.label()), d.id(), d.humanLabel());
        notifier.notify("ConflictingHumanAnswer", "Loop " + a.humanLoopName() + " answered '" + printable(a.label())
                + "' but detection " + d.id() + " already has the answer '" + d.humanLabel() + "'; the first answer stands",
                out);
    }

    public void refused(ReviewResult r) {
        HumanLoopOutput.Answer a = r.answer();
        Map<String, Object> out = output(r);
        runs.start(RUN_TYPE, input(r)).fail("label refused: '" + a.label()
                + "' must match [A-Za-z0-9][A-Za-z0-9 _.-]{0,99}", out);
        notifier.notify("HumanLoopLabelRejected", "Label '" + printable(a.label()) + "' from loop " + a.humanLoopName()
                + " refused: it must start with a letter or digit and use only letters, digits, space, _ . - (at most 100)",
                out);
        store.recordReview(r.detection().id(), a.label(), clock.instant(), null, null);
    }

    /** After the copy step put the image into its label folder: the new folder shows at once. */
    public void copied(ReviewResult r) {
        r.copied(r.copyTarget());
        labels.invalidate();
        if (r.answer().submissionTime() != null) {
            metrics.answerToCopy(Duration.between(r.answer().submissionTime(), clock.instant()));
        }
        record(r);
    }

    /** Records the answer on the detection (and, for a quality sample, whether the reviewer agreed with the model). */
    public void record(ReviewResult r) {
        HumanLoopOutput.Answer a = r.answer();
        Detection d = r.detection();
        boolean sample = r.qualitySample();
        boolean none = r.noneOfTheAbove();
        Boolean agreed = sample && !none ? Boolean.valueOf(a.label().equals(d.label())) : sample ? Boolean.FALSE : null;
        store.recordReview(d.id(), a.label(), clock.instant(), r.copiedTo(), agreed);
        metrics.loopCompleted(sample ? HumanLoop.HUMAN_SAMPLING : HumanLoop.A2I_WORKFLOW);
        Map<String, Object> out = output(r);
        if (r.copiedTo() != null) {
            out.put("copiedTo", r.copiedTo());
        }
        if (sample) {
            out.put("agreed", agreed);
            metrics.agreement(store.sampleAgreement().agreement());
        }
        runs.start(RUN_TYPE, input(r)).succeed(out);
        LOG.info("Human loop {} answered '{}'{}", a.humanLoopName(), a.label(),
                r.copiedTo() == null ? "" : "; copied to " + r.copiedTo());
        notifier.notify("HumanLoopCompleted", "Loop " + a.humanLoopName() + " answered '" + a.label() + "'"
                + (r.copiedTo() != null ? ": image added to the training set" : sample ? ": quality sample "
                + (Boolean.TRUE.equals(agreed) ? "agrees" : "disagrees") + " with the model" : ": nothing copied"), out);
    }

    private static Map<String, Object> input(ReviewResult r) {
        HumanLoopOutput.Answer a = r.answer();
        return Map.of("output", r.outputKey(), "humanLoop", a.humanLoopName(), "label", a.label(),
                "source", String.valueOf(a.source()));
    }

    private static Map<String, Object> output(ReviewResult r) {
        HumanLoopOutput.Answer a = r.answer();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("humanLoop", a.humanLoopName());
        out.put("label", a.label());
        out.put("source", String.valueOf(a.source()));
        if (r.detection() != null) {
            out.put("detection", r.detection().id());
        }
        return out;
    }

    private static String printable(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 60 ? t.substring(0, 60) + "..." : t;
    }
}
