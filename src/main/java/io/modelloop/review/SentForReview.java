package io.modelloop.review;

import io.modelloop.detection.HumanLoop;
import io.modelloop.model.Classification;
import java.util.Locale;

/**
 * Why an image was sent to a reviewer, in words: the review page, the A2I task and the
 * notification all say it the same way (#10). The reason is the detection's
 * {@link Classification.Reason}; a quality sample is sent whatever its confidence.
 */
public final class SentForReview {

    private SentForReview() {
    }

    /**
     * The sentence a reviewer reads after "Sent because: ".
     *
     * @param showModel whether the reviewer may see the model's label and numbers
     *                  (modelloop.review.show-detected-label); without, only the kind of reason is given
     */
    public static String describe(HumanLoop loop, boolean showModel) {
        if (HumanLoop.HUMAN_SAMPLING.equals(loop.source())) {
            return "quality sample — picked at random to check the model's answers";
        }
        return switch (reason(loop)) {
            case "NO_LABEL" -> "no label returned — the model gave no label for this image";
            case "UNFAMILIAR" -> "unfamiliar — this image looks unlike the training images"
                    + (showModel && loop.detectedLabel() != null ? " of " + loop.detectedLabel() : "")
                    + (showModel && loop.familiarity() != null ? " (familiarity " + whole(loop.familiarity()) + " / 100)" : "");
            case "LOW_MARGIN" -> loop.classProbability() == null ? lowConfidence(loop, showModel)
                    : showModel ? "between labels — class probability " + whole(loop.classProbability()) + " %"
                    : "between labels — the model could not tell two labels apart";
            default -> lowConfidence(loop, showModel);
        };
    }

    /** A few words for a notification: "unfamiliar, familiarity 12/100", "between labels, class probability 55%". */
    public static String brief(HumanLoop loop) {
        if (HumanLoop.HUMAN_SAMPLING.equals(loop.source())) {
            return "quality sample";
        }
        return switch (reason(loop)) {
            case "NO_LABEL" -> "no label returned";
            case "UNFAMILIAR" -> "unfamiliar" + (loop.familiarity() == null ? "" : ", familiarity " + whole(loop.familiarity()) + "/100");
            case "LOW_MARGIN" -> loop.classProbability() == null ? "low confidence"
                    : "between labels, class probability " + whole(loop.classProbability()) + "%";
            default -> "low confidence";
        };
    }

    /** The recorded reason; a loop from before reasons were recorded has none, unless it had no label at all. */
    private static String reason(HumanLoop loop) {
        if (loop.confidenceReason() != null) {
            return loop.confidenceReason();
        }
        return loop.detectedLabel() == null && loop.detectionId() != null ? Classification.Reason.NO_LABEL.name() : "";
    }

    /** A backend that gives one number only (Rekognition): the confidence is low, no more is known. */
    private static String lowConfidence(HumanLoop loop, boolean showModel) {
        return "low confidence" + (showModel && loop.confidence() != null ? " — " + whole(loop.confidence()) + " %" : "");
    }

    private static String whole(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
