package io.modelloop.review;

import io.modelloop.detection.Detection;
import io.modelloop.detection.HumanLoop;
import io.modelloop.training.LabeledImages;

/**
 * One human-loop output on its way through the review-result route: the parsed answer (or why it
 * cannot be used) and the detection it answers. The route's choice reads the predicates below.
 */
public final class ReviewResult {

    private final String outputKey;
    private final String bucket;
    private final HumanLoopOutput.Answer answer;
    private final String error;
    private final Detection detection;
    private String copiedTo;

    ReviewResult(String outputKey, String bucket, HumanLoopOutput.Answer answer, String error, Detection detection) {
        this.outputKey = outputKey;
        this.bucket = bucket;
        this.answer = answer;
        this.error = error;
        this.detection = detection;
    }

    public String outputKey() {
        return outputKey;
    }

    /** The bucket of the training folders (the image is copied into it). */
    public String bucket() {
        return bucket;
    }

    HumanLoopOutput.Answer answer() {
        return answer;
    }

    /** Why the output cannot be used (null: it can). */
    public String error() {
        return error;
    }

    /** The detection the loop answers (null: the output names none this store knows). */
    public Detection detection() {
        return detection;
    }

    /** The detection was answered before with the same label: a repeated output, nothing new. */
    public boolean repeated() {
        return detection != null && detection.reviewedAt() != null && answer.label().equals(detection.humanLabel());
    }

    /** The detection was answered before with another label: the first answer stands. */
    public boolean conflicting() {
        return detection != null && detection.reviewedAt() != null && !answer.label().equals(detection.humanLabel());
    }

    public boolean noneOfTheAbove() {
        return HumanLoop.NONE_OF_THE_ABOVE.equalsIgnoreCase(answer.label());
    }

    /** A label that breaks the label rule (a folder name it cannot safely be). */
    public boolean labelRefused() {
        return !noneOfTheAbove() && !LabeledImages.LABEL.matcher(answer.label()).matches();
    }

    /** The answer to a quality sample: it checks the model, it adds nothing to the training set. */
    public boolean qualitySample() {
        return HumanLoop.HUMAN_SAMPLING.equals(answer.source());
    }

    /**
     * Where a review label copies the image: the same key for the same loop, so copying again
     * after a crash overwrites and never duplicates.
     */
    public String copyTarget() {
        String key = detection.key();
        return io.modelloop.storage.BucketLayout.LABELED + answer.label() + "/humanLoopName-" + answer.humanLoopName()
                + "-" + java.util.UUID.nameUUIDFromBytes(answer.humanLoopName().getBytes(
                java.nio.charset.StandardCharsets.UTF_8)) + "-" + key.substring(key.lastIndexOf('/') + 1);
    }

    void copied(String target) {
        this.copiedTo = target;
    }

    String copiedTo() {
        return copiedTo;
    }
}
