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

    /** A record without confidence parts (written before they existed, or by a backend that has none). */
    public Detection(String id, String objectKey, Instant detectedAt, String bucket, String key, String etag,
                     String sequencer, String modelVersion, Outcome outcome, String reason, String label,
                     Double confidence, Double threshold, boolean reviewEnabled, boolean sampled, String humanLoopName,
                     String humanLoopSource, String humanLabel, Instant reviewedAt, String copiedKey, Boolean agreement,
                     Instant uploadedAt) {
        this(id, objectKey, detectedAt, bucket, key, etag, sequencer, modelVersion, outcome, reason, label, confidence,
                threshold, reviewEnabled, sampled, humanLoopName, humanLoopSource, humanLabel, reviewedAt, copiedKey,
                agreement, uploadedAt, null, null, null);
    }

    public enum Outcome { CLASSIFIED, NO_MODEL, REJECTED }

    public boolean belowThreshold() {
        return confidence != null && threshold != null && confidence < threshold;
    }
}
