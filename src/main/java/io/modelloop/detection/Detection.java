package io.modelloop.detection;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One detection record (SPEC 4.1 step 3, plus what review and sampling add later).
 *
 * @param id             unique id, derived from the object version (see {@link ObjectVersion#detectionId()})
 * @param objectKey      idempotency key: bucket/key/etag-or-sequencer of the object version
 * @param outcome        CLASSIFIED, NO_MODEL or REJECTED
 * @param reason         why REJECTED or NO_MODEL
 * @param threshold      Minimum-Label-Detection-Confidence when detected
 * @param reviewEnabled  Enable-A2I-Workflow when detected
 * @param humanLoopName  the loop started for it (review or sample), if any
 * @param humanLoopSource "A2I Workflow" or "Human Sampling"
 * @param humanLabel     the reviewer's answer, once answered
 * @param copiedKey      where the image was copied into the training set, if it was
 * @param agreement      for samples: whether the reviewer agreed with the model
 * @param uploadedAt     when the object was created (event time), for upload-to-detection latency
 * @param classProbability  the part of the confidence that says "this label rather than another" (0-100), when
 *                          the backend gives its parts
 * @param familiarity       the part that says "like the training images of this label" (0-100), when known
 * @param confidenceReason  {@link io.modelloop.model.Classification.Reason} name: why the confidence is what it
 *                          is (NO_LABEL, LOW_MARGIN or UNFAMILIAR), for CLASSIFIED records
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Detection(
        String id,
        String objectKey,
        Instant detectedAt,
        String bucket,
        String key,
        String etag,
        String sequencer,
        String modelVersion,
        Outcome outcome,
        String reason,
        String label,
        Double confidence,
        Double threshold,
        boolean reviewEnabled,
        boolean sampled,
        String humanLoopName,
        String humanLoopSource,
        String humanLabel,
        Instant reviewedAt,
        String copiedKey,
        Boolean agreement,
        Instant uploadedAt,
        Double classProbability,
        Double familiarity,
        String confidenceReason) {

    public enum Outcome { CLASSIFIED, NO_MODEL, REJECTED }

    /** An empty builder: every field null, or false for the two flags. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's fields, to change a few of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.objectKey = objectKey;
        b.detectedAt = detectedAt;
        b.bucket = bucket;
        b.key = key;
        b.etag = etag;
        b.sequencer = sequencer;
        b.modelVersion = modelVersion;
        b.outcome = outcome;
        b.reason = reason;
        b.label = label;
        b.confidence = confidence;
        b.threshold = threshold;
        b.reviewEnabled = reviewEnabled;
        b.sampled = sampled;
        b.humanLoopName = humanLoopName;
        b.humanLoopSource = humanLoopSource;
        b.humanLabel = humanLabel;
        b.reviewedAt = reviewedAt;
        b.copiedKey = copiedKey;
        b.agreement = agreement;
        b.uploadedAt = uploadedAt;
        b.classProbability = classProbability;
        b.familiarity = familiarity;
        b.confidenceReason = confidenceReason;
        return b;
    }

    public boolean belowThreshold() {
        return confidence != null && threshold != null && confidence < threshold;
    }

    /** Builds a Detection field by field; the setters are named after the fields. */
    public static final class Builder {
        private String id;
        private String objectKey;
        private Instant detectedAt;
        private String bucket;
        private String key;
        private String etag;
        private String sequencer;
        private String modelVersion;
        private Outcome outcome;
        private String reason;
        private String label;
        private Double confidence;
        private Double threshold;
        private boolean reviewEnabled;
        private boolean sampled;
        private String humanLoopName;
        private String humanLoopSource;
        private String humanLabel;
        private Instant reviewedAt;
        private String copiedKey;
        private Boolean agreement;
        private Instant uploadedAt;
        private Double classProbability;
        private Double familiarity;
        private String confidenceReason;

        private Builder() {
        }

        public Builder id(String v) {
            id = v;
            return this;
        }

        public Builder objectKey(String v) {
            objectKey = v;
            return this;
        }

        public Builder detectedAt(Instant v) {
            detectedAt = v;
            return this;
        }

        public Builder bucket(String v) {
            bucket = v;
            return this;
        }

        public Builder key(String v) {
            key = v;
            return this;
        }

        public Builder etag(String v) {
            etag = v;
            return this;
        }

        public Builder sequencer(String v) {
            sequencer = v;
            return this;
        }

        public Builder modelVersion(String v) {
            modelVersion = v;
            return this;
        }

        public Builder outcome(Outcome v) {
            outcome = v;
            return this;
        }

        public Builder reason(String v) {
            reason = v;
            return this;
        }

        public Builder label(String v) {
            label = v;
            return this;
        }

        public Builder confidence(Double v) {
            confidence = v;
            return this;
        }

        public Builder threshold(Double v) {
            threshold = v;
            return this;
        }

        public Builder reviewEnabled(boolean v) {
            reviewEnabled = v;
            return this;
        }

        public Builder sampled(boolean v) {
            sampled = v;
            return this;
        }

        public Builder humanLoopName(String v) {
            humanLoopName = v;
            return this;
        }

        public Builder humanLoopSource(String v) {
            humanLoopSource = v;
            return this;
        }

        public Builder humanLabel(String v) {
            humanLabel = v;
            return this;
        }

        public Builder reviewedAt(Instant v) {
            reviewedAt = v;
            return this;
        }

        public Builder copiedKey(String v) {
            copiedKey = v;
            return this;
        }

        public Builder agreement(Boolean v) {
            agreement = v;
            return this;
        }

        public Builder uploadedAt(Instant v) {
            uploadedAt = v;
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

        public Builder confidenceReason(String v) {
            confidenceReason = v;
            return this;
        }

        public Detection build() {
            return new Detection(id, objectKey, detectedAt, bucket, key, etag, sequencer, modelVersion, outcome,
                    reason, label, confidence, threshold, reviewEnabled, sampled, humanLoopName, humanLoopSource,
                    humanLabel, reviewedAt, copiedKey, agreement, uploadedAt, classProbability, familiarity,
                    confidenceReason);
        }
    }
}
