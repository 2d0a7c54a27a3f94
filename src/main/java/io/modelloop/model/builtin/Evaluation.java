package io.modelloop.model.builtin;

import io.modelloop.model.ModelVersion.LabelMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics on the held-out images: per-label precision, recall, F1 and support, the confusion
 * matrix (true label -> predicted label -> count), and the overall F1 = macro F1, the unweighted
 * mean of the per-label F1 over the labels that have test images.
 */
public record Evaluation(Map<String, LabelMetrics> perLabel, Map<String, Map<String, Integer>> confusion,
                         Double macroF1, double accuracy) {

    public static Evaluation of(List<String> labels, int[] truth, int[] predicted) {
        int k = labels.size();
        int[][] matrix = new int[k][k];
        for (int i = 0; i < truth.length; i++) {
            matrix[truth[i]][predicted[i]]++;
        }
        Map<String, LabelMetrics> perLabel = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> confusion = new LinkedHashMap<>();
        double f1Sum = 0;
        int withSupport = 0;
        int correct = 0;
        for (int c = 0; c < k; c++) {
            int tp = matrix[c][c];
            correct += tp;
            int support = 0;
            int predictedAs = 0;
            for (int j = 0; j < k; j++) {
                support += matrix[c][j];
                predictedAs += matrix[j][c];
            }
            double precision = predictedAs == 0 ? 0 : (double) tp / predictedAs;
            double recall = support == 0 ? 0 : (double) tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perLabel.put(labels.get(c), new LabelMetrics(precision, recall, f1, support));
            if (support > 0) {
                f1Sum += f1;
                withSupport++;
                Map<String, Integer> row = new LinkedHashMap<>();
                for (int j = 0; j < k; j++) {
                    row.put(labels.get(j), matrix[c][j]);
                }
                confusion.put(labels.get(c), row);
            }
        }
        Double macro = withSupport == 0 ? null : f1Sum / withSupport;
        double accuracy = truth.length == 0 ? 0 : (double) correct / truth.length;
        return new Evaluation(perLabel, confusion, macro, accuracy);
    }
}
