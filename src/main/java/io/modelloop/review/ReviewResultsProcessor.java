package io.modelloop.review;

import io.modelloop.detection.CurrentLabels;
import io.modelloop.detection.Detection;
import io.modelloop.detection.DetectionStore;
import io.modelloop.notify.Notifier;
import io.modelloop.ops.LoopMetrics;
import io.modelloop.runs.RunRecorder;
import io.modelloop.storage.BucketLayout;
import io.modelloop.training.LabeledImages;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Processes one completed human-loop output (SPEC 4.2), whichever review backend wrote it: a
 * valid label from a review ("A2I Workflow") copies the image into the training folders; "None
 * of the Above" and quality samples copy nothing; the detection record gets the answer; a
 * malformed output or a forbidden label is recorded and notified, never retried and never a
 * crashed route.
 */
public final class ReviewResultsProcessor {

    public static final String RUN_TYPE = "HUMAN_LOOP_RESULT";
    private static final Logger LOG = LoggerFactory.getLogger(ReviewResultsProcessor.class);

    private final S3Client s3;
    private final String bucket;
    private final DetectionStore store;
    private final CurrentLabels labels;
    private final RunRecorder runs;
    private final Notifier notifier;
    private final LoopMetrics metrics;
    private final Clock clock;

    public ReviewResultsProcessor(S3Client s3, String bucket, DetectionStore store, CurrentLabels labels,
                                  RunRecorder runs, Notifier notifier, LoopMetrics metrics, Clock clock) {
        this.s3 = s3;
        this.bucket = bucket;
        this.store = store;
        this.labels = labels;
        this.runs = runs;
        this.notifier = notifier;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** True when the output was new and processed (whatever its verdict); false for one already processed. */
    public boolean process(String outputKey) {
        HumanLoopOutput.Answer answer;
        String text = s3.getObjectAsBytes(b -> b.bucket(bucket).key(outputKey)).asUtf8String();
        try {
            answer = HumanLoopOutput.parse(text);
        } catch (IllegalArgumentException e) {
            RunRecorder.Run run = runs.start(RUN_TYPE, Map.of("output", outputKey));
            run.fail(e.getMessage(), Map.of());
            notifier.notify("HumanLoopOutputInvalid", "Human-loop output " + outputKey + " cannot be used: " + e.getMessage(),
                    Map.of("output", outputKey, "error", e.getMessage()));
            return true;
        }
        Optional<Detection> found = answer.detectionId() == null ? Optional.empty() : store.get(answer.detectionId());
        if (found.isPresent() && found.get().reviewedAt() != null) {
            return conflict(outputKey, answer, found.get()); // each answer once; a different one is a conflict
        }
        RunRecorder.Run run = runs.start(RUN_TYPE, Map.of("output", outputKey, "humanLoop", answer.humanLoopName(),
                "label", answer.label(), "source", String.valueOf(answer.source())));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("humanLoop", answer.humanLoopName());
        out.put("label", answer.label());
        out.put("source", String.valueOf(answer.source()));
        if (found.isEmpty()) {
            run.fail("no detection " + answer.detectionId() + " for loop " + answer.humanLoopName(), out);
            notifier.notify("HumanLoopOutputInvalid", "Human loop " + answer.humanLoopName() + " names no known detection",
                    out);
            return true;
        }
        Detection d = found.get();
        out.put("detection", d.id());
        boolean none = HumanLoop.NONE_OF_THE_ABOVE.equalsIgnoreCase(answer.label());
        if (!none && !LabeledImages.LABEL.matcher(answer.label()).matches()) {
            run.fail("label refused: '" + answer.label() + "' must match [A-Za-z0-9][A-Za-z0-9 _.-]{0,99}", out);
            notifier.notify("HumanLoopLabelRejected", "Label '" + printable(answer.label()) + "' from loop "
                    + answer.humanLoopName() + " refused: it must start with a letter or digit and use only letters, "
                    + "digits, space, _ . - (at most 100)", out);
            store.recordReview(d.id(), answer.label(), clock.instant(), null, null);
            return true;
        }
        boolean sample = HumanLoop.HUMAN_SAMPLING.equals(answer.source());
        String copied = null;
        if (!none && !sample) {
            String file = d.key().substring(d.key().lastIndexOf('/') + 1);
            // the same key for the same loop: copying again after a crash overwrites, never duplicates
            String target = BucketLayout.LABELED + answer.label() + "/humanLoopName-" + answer.humanLoopName() + "-"
                    + UUID.nameUUIDFromBytes(answer.humanLoopName().getBytes(StandardCharsets.UTF_8)) + "-" + file;
            s3.copyObject(b -> b.sourceBucket(d.bucket()).sourceKey(d.key()).destinationBucket(bucket).destinationKey(target));
            copied = target;
            labels.invalidate();
            if (answer.submissionTime() != null) {
                metrics.answerToCopy(Duration.between(answer.submissionTime(), clock.instant()));
            }
            out.put("copiedTo", target);
        }
        Boolean agreed = sample && !none ? Boolean.valueOf(answer.label().equals(d.label()))
                : sample ? Boolean.FALSE : null;
        store.recordReview(d.id(), answer.label(), clock.instant(), copied, agreed);
        metrics.loopCompleted(sample ? HumanLoop.HUMAN_SAMPLING : HumanLoop.A2I_WORKFLOW);
        if (sample) {
            out.put("agreed", agreed);
            metrics.agreement(store.sampleAgreement().agreement());
        }
        run.succeed(out);
        LOG.info("Human loop {} answered '{}'{}", answer.humanLoopName(), answer.label(),
                copied == null ? "" : "; copied to " + copied);
        notifier.notify("HumanLoopCompleted", "Loop " + answer.humanLoopName() + " answered '" + answer.label() + "'"
                + (copied != null ? ": image added to the training set" : sample ? ": quality sample "
                + (Boolean.TRUE.equals(agreed) ? "agrees" : "disagrees") + " with the model" : ": nothing copied"), out);
        return true;
    }

    /**
     * An output for a detection already reviewed: the same answer again (a repeated output) is
     * nothing new; a different one is recorded and notified as ConflictingHumanAnswer, and the
     * first answer stands (its image may already be in the training set).
     */
    private boolean conflict(String outputKey, HumanLoopOutput.Answer answer, Detection d) {
        if (answer.label().equals(d.humanLabel())) {
            return false;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("output", outputKey);
        out.put("humanLoop", answer.humanLoopName());
        out.put("detection", d.id());
        out.put("label", answer.label());
        out.put("recordedLabel", String.valueOf(d.humanLabel()));
        out.put("recordedAt", String.valueOf(d.reviewedAt()));
        if (answer.workerId() != null) {
            out.put("reviewer", answer.workerId());
        }
        RunRecorder.Run run = runs.start(RUN_TYPE, Map.of("output", outputKey, "humanLoop", answer.humanLoopName(),
                "label", answer.label()));
        run.fail("conflicting answer: detection " + d.id() + " was already answered '" + d.humanLabel() + "'", out);
        LOG.warn("Human-loop output {} answers '{}' but detection {} was already answered '{}': the first answer stands",
                outputKey, printable(answer.label()), d.id(), d.humanLabel());
        notifier.notify("ConflictingHumanAnswer", "Loop " + answer.humanLoopName() + " answered '" + printable(answer.label())
                + "' but detection " + d.id() + " already has the answer '" + d.humanLabel() + "'; the first answer stands",
                out);
        return true;
    }

    private static String printable(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 60 ? t.substring(0, 60) + "..." : t;
    }
}
