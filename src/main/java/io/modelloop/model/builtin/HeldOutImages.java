package io.modelloop.model.builtin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * models/&lt;version&gt;/held-out.json: the images a version held out of its training, with their
 * label and the label the version predicted for them when it was evaluated. The champion/
 * challenger gate scores the serving version on the same images and compares.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HeldOutImages(List<Image> images) {

    public static final String FILE = "held-out.json";

    /** One held-out image: where it is, its true label and what the version predicted. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Image(String bucket, String key, String label, String predicted) {
    }

    public byte[] toBytes() {
        try {
            return ArtifactStore.JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static HeldOutImages fromBytes(byte[] bytes) {
        try {
            return ArtifactStore.JSON.readValue(bytes, HeldOutImages.class);
        } catch (IOException e) {
            throw new IllegalStateException(FILE + " is not readable: " + e.getMessage(), e);
        }
    }

    /**
     * Macro F1 over the given labels of predictions against the truth, both lists aligned: the
     * mean per-label F1 over those of the labels that occur in the truth. A prediction outside
     * the labels counts as a miss. Null when none of the labels occurs.
     */
    public static Double macroF1(List<String> truth, List<String> predicted, Set<String> labels) {
        double sum = 0;
        int counted = 0;
        for (String label : labels) {
            int tp = 0;
            int support = 0;
            int predictedAs = 0;
            for (int i = 0; i < truth.size(); i++) {
                boolean isLabel = label.equals(truth.get(i));
                boolean saidLabel = label.equals(predicted.get(i));
                support += isLabel ? 1 : 0;
                predictedAs += saidLabel ? 1 : 0;
                tp += isLabel && saidLabel ? 1 : 0;
            }
            if (support == 0) {
                continue;
            }
            double precision = predictedAs == 0 ? 0 : (double) tp / predictedAs;
            double recall = (double) tp / support;
            sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            counted++;
        }
        return counted == 0 ? null : sum / counted;
    }
}
