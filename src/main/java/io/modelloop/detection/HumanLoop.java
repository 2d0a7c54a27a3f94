package io.modelloop.detection;

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

    public static final String A2I_WORKFLOW = "A2I Workflow";
    public static final String HUMAN_SAMPLING = "Human Sampling";
    public static final String NONE_OF_THE_ABOVE = "None of the Above";

    public enum Status { OPEN, ANSWERED }

    /** An empty builder: every field null. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this loop's fields, to change a few of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.source = source;
        b.detectionId = detectionId;
        b.detectedLabel = detectedLabel;
        b.confidence = confidence;
        b.imageUri = imageUri;
        b.labels = labels;
        b.status = status;
        b.createdAt = createdAt;
        b.answer = answer;
        b.reviewer = reviewer;
        b.answeredAt = answeredAt;
        b.heldBy = heldBy;
        b.heldUntil = heldUntil;
        b.confidenceReason = confidenceReason;
        b.classProbability = classProbability;
        b.familiarity = familiarity;
        return b;
    }

    /** A new open loop for a detection's image; the name is derived from the detection and the source. */
    public static HumanLoop open(String source, String detectionId, String detectedLabel, Double confidence,
                                 String bucket, String key, List<String> labels, Instant now) {
        return builder().name(HumanLoopNames.forDetection(detectionId, source)).source(source).detectionId(detectionId)
                .detectedLabel(detectedLabel).confidence(confidence).imageUri("s3://" + bucket + "/" + key)
                .labels(labels).status(Status.OPEN).createdAt(now).build();
    }

    /** This loop with the reason and parts of the detection's confidence, so a reviewer sees why it was sent. */
    public HumanLoop withConfidenceParts(String reason, Double classProbability, Double familiarity) {
        return toBuilder().confidenceReason(reason).classProbability(classProbability).familiarity(familiarity).build();
    }

    /** This loop with another status, answer, reviewer and answer time; the rest unchanged. */
    public HumanLoop withAnswer(Status status, String answer, String reviewer, Instant answeredAt) {
        return toBuilder().status(status).answer(answer).reviewer(reviewer).answeredAt(answeredAt).build();
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
        return toBuilder().heldBy(by).heldUntil(until).build();
    }

    /** Builds a HumanLoop field by field; the setters are named after the fields. */
    public static final class Builder {
        private String name;
        private String source;
        private String detectionId;
        private String detectedLabel;
        private Double confidence;
        private String imageUri;
        private List<String> labels;
        private Status status;
        private Instant createdAt;
        private String answer;
        private String reviewer;
        private Instant answeredAt;
        private String heldBy;
        private Instant heldUntil;
        private String confidenceReason;
        private Double classProbability;
        private Double familiarity;

        private Builder() {
        }

        public Builder name(String v) {
            name = v;
            return this;
        }

        public Builder source(String v) {
            source = v;
            return this;
        }

        public Builder detectionId(String v) {
            detectionId = v;
            return this;
        }

        public Builder detectedLabel(String v) {
            detectedLabel = v;
            return this;
        }

        public Builder confidence(Double v) {
            confidence = v;
            return this;
        }

        public Builder imageUri(String v) {
            imageUri = v;
            return this;
        }

        public Builder labels(List<String> v) {
            labels = v;
            return this;
        }

        public Builder status(Status v) {
            status = v;
            return this;
        }

        public Builder createdAt(Instant v) {
            createdAt = v;
            return this;
        }

        public Builder answer(String v) {
            answer = v;
            return this;
        }

        public Builder reviewer(String v) {
            reviewer = v;
            return this;
        }

        public Builder answeredAt(Instant v) {
            answeredAt = v;
            return this;
        }

        public Builder heldBy(String v) {
            heldBy = v;
            return this;
        }

        public Builder heldUntil(Instant v) {
            heldUntil = v;
            return this;
        }

        public Builder confidenceReason(String v) {
            confidenceReason = v;
            return this;
        }

        public Builder classProbability(Double v) {
            classProbability = v;
            return this;
        }

        public Builder familiarity(Double v) {
            familiarity = v;
            return this;
        }

        public HumanLoop build() {
            return new HumanLoop(name, source, detectionId, detectedLabel, confidence, imageUri, labels, status,
                    createdAt, answer, reviewer, answeredAt, heldBy, heldUntil, confidenceReason, classProbability,
                    familiarity);
        }
    }
}
