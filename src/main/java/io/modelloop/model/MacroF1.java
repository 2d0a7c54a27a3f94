package io.modelloop.model;

import java.util.Collection;
import java.util.List;

/**
 * Macro F1 of predicted labels against true labels: the mean per-label F1 over the given labels
 * that occur in the truth. A prediction outside those labels (an unknown label, no label) counts
 * as a miss. Shared by the champion/challenger comparison and replay's scoring.
 */
public final class MacroF1 {

    private MacroF1() {
    }

    /** Over {@code labels}, with {@code truth} and {@code predicted} aligned; null when none of the labels occurs. */
    public static Double of(List<String> truth, List<String> predicted, Collection<String> labels) {
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
