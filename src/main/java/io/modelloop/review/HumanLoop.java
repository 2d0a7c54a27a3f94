package io.modelloop.review;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A human loop (SPEC 4.2): what the reviewer sees and, once answered, the answer.
 *
 * @param name            unique, lowercase [a-z0-9-], at most 63 characters, derived from the detection
 * @param source          "A2I Workflow" or "Human Sampling"
 * @param imageUri        s3://bucket/key of the image
 * @param labels          the label choices offered (current labels), "None of the Above" is always added
 * @param status          OPEN or ANSWERED
 * @param heldBy          the reviewer who opened the loop and has it to themself until heldUntil (null: free)
 * @param heldUntil       when that hold lapses; a hold at or past this time counts as free
 * @param confidenceReason why the model's confidence was low ({@link io.modelloop.model.Classification.Reason} name),
 *                         when the detection recorded it
 * @param classProbability the confidence part "this label rather than another" (0-100), when known
 * @param familiarity      the confidence part "like the training images of this label" (0-100), when known
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record HumanLoop(String name, String source, String detectionId, String detectedLabel, Double confidence,
                        String imageUri, List<String> labels, Status status, Instant createdAt,
                        String answer, String reviewer, Instant answeredAt, String heldBy, Instant heldUntil,
                        String confidenceReason, Double classProbability, Double familiarity) {

    /** A loop without the confidence parts (created before they existed). */
    public HumanLoop(String name, String source, String detectionId, String detectedLabel, Double confidence,
                     String imageUri, List<String> labels, Status status, Instant createdAt, String answer, String reviewer,
                     Instant answeredAt, String heldBy, Instant heldUntil) {
        this(name, source, detectionId, detectedLabel, confidence, imageUri, labels, status, createdAt, answer, reviewer,
                answeredAt, heldBy, heldUntil, null, null, null);
    }

    public static final String A2I_WORKFLOW = "A2I Workflow";
    public static final String HUMAN_SAMPLING = "Human Sampling";
    public static final String NONE_OF_THE_ABOVE = "None of the Above";

    public enum Status { OPEN, ANSWERED }

    /** A new open loop for a detection's image; the name is derived from the detection and the source. */
    public static HumanLoop open(String source, String detectionId, String detectedLabel, Double confidence,
                                 String bucket, String key, List<String> labels, Instant now) {
        return new HumanLoop(HumanLoopNames.forDetection(detectionId, source), source, detectionId, detectedLabel,
                confidence, "s3://" + bucket + "/" + key, labels, Status.OPEN, now, null, null, null, null, null);
    }

    /** This loop with the reason and parts of the detection's confidence, so a reviewer sees why it was sent. */
    public HumanLoop withConfidenceParts(String reason, Double classProbability, Double familiarity) {
        return new HumanLoop(name, source, detectionId, detectedLabel, confidence, imageUri, labels, status, createdAt,
                answer, reviewer, answeredAt, heldBy, heldUntil, reason, classProbability, familiarity);
    }

    /** This loop with another status, answer, reviewer and answer time; the rest unchanged. */
    public HumanLoop withAnswer(Status status, String answer, String reviewer, Instant answeredAt) {
        return new HumanLoop(name, source, detectionId, detectedLabel, confidence, imageUri, labels, status, createdAt,
                answer, reviewer, answeredAt, heldBy, heldUntil, confidenceReason, classProbability, familiarity);
    }

    /** True when someone other than {@code reviewer} holds this open loop at {@code now}. */
    public boolean heldByAnother(String reviewer, Instant now) {
        return heldAt(now) && !heldBy.equals(reviewer);
    }

    /** True when the loop is open and its hold has not lapsed at {@code now}. */
    public boolean heldAt(Instant now) {
        return status == Status.OPEN && heldBy != null && heldUntil != null && heldUntil.isAfter(now);
    }

    /** This loop with the given hold (both null: none). */
    public HumanLoop withHold(String by, Instant until) {
        return new HumanLoop(name, source, detectionId, detectedLabel, confidence, imageUri, labels, status, createdAt,
                answer, reviewer, answeredAt, by, until, confidenceReason, classProbability, familiarity);
    }
}
