package io.modelloop.replay;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * One measurement of a run: after the seed training (batch 0) or after batch {@code batch}.
 *
 * @param images          images in the batch (the seed set's size for batch 0)
 * @param reviewed        review loops the reviewer saw in this batch (opened by the loop)
 * @param labelled        of those, answered with a real label (copied into the training set)
 * @param humanLabels     labels given by the reviewer so far (cumulative; the seed set not counted)
 * @param knownLabels     labels the serving version knows
 * @param discovered      known labels that were not in the seed set
 * @param training        what the training check after the batch did: deployed, refused, failed or not-trained
 * @param trainingReason  the check's decision or the run record's reason text
 * @param servingVersion  the version scored (null when none serves)
 * @param macroF1         macro-F1 over every label of the test set (labels the version does not know score 0)
 * @param accuracy        share of test images classified right
 * @param wallSeconds     seconds since the run started
 * @param phaseSeconds    where this point's time went: upload, detect, review (answering over the API), apply
 *                        (the loop processing the answers), train (check to the run's end) and score
 */
public record Point(int batch, int images, int reviewed, int labelled, int humanLabels, List<String> knownLabels,
                    List<String> discovered, String training, String trainingReason, String servingVersion,
                    double macroF1, double accuracy, double wallSeconds, Map<String, Double> phaseSeconds) {

    /** Share of the batch's images a reviewer saw (0 for the seed point). */
    @JsonProperty("reviewedShare")
    public double reviewedShare() {
        return batch == 0 || images == 0 ? 0 : reviewed / (double) images;
    }
}
