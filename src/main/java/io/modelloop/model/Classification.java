package io.modelloop.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A classification: the top label and its confidence (0-100), every label's confidence (the
 * classifier's choice first, then by how likely the classifier finds each), and, when the
 * backend can tell, the parts the confidence was made of.
 *
 * @param parts why the confidence is what it is; null when the backend gives only one number
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Classification(String label, double confidence, List<LabelScore> labels, ConfidenceParts parts) {

    public Classification(String label, double confidence, List<LabelScore> labels) {
        this(label, confidence, labels, null);
    }

    public record LabelScore(String label, double confidence) {
    }

    /**
     * The two things a confidence must say (docs/builtin-model.md, "Confidence"), each 0-100.
     *
     * @param classProbability how clearly the image is this label rather than another known label
     *                         (a calibrated probability times 100)
     * @param familiarity      how much the image looks like the version's training images of that label, on
     *                         the confidence's scale: calibrated per version so that only a small, fixed share
     *                         of images like the training images (5 % for the built-in model) score below 70,
     *                         and images unlike them score far lower; null when the backend cannot tell
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConfidenceParts(double classProbability, Double familiarity) {

        /** Why a confidence is low: the image is unlike the training images, or between two labels. */
        public Reason lowConfidenceReason() {
            return familiarity != null && familiarity < classProbability ? Reason.UNFAMILIAR : Reason.LOW_MARGIN;
        }
    }

    /** What made a confidence low, for a reviewer and an operator. */
    public enum Reason {
        /** No label at all (Rekognition returned none). */
        NO_LABEL,
        /** Close to two known labels: the class margin is small. */
        LOW_MARGIN,
        /** Far from every training image of the label: possibly something the model never saw. */
        UNFAMILIAR
    }

    /** Why this classification's confidence is what it is. */
    public Reason reason() {
        if (label == null) {
            return Reason.NO_LABEL;
        }
        return parts == null ? Reason.LOW_MARGIN : parts.lowConfidenceReason();
    }
}
