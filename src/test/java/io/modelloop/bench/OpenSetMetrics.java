package io.modelloop.bench;

import io.modelloop.model.builtin.Familiarity;
import java.util.ArrayList;
import java.util.List;

/** Open-set figures of one confidence: known-vs-unknown separation and calibration on known images. */
record OpenSetMetrics(double auroc, double unknownBelow, double knownBelow, double ece, double caughtAt10) {

    /**
     * @param confidence 0-100 per image
     * @param known      whether the image's class was trained on
     * @param correct    whether a known image got its label
     * @param threshold  the review threshold (70)
     */
    static OpenSetMetrics of(double[] confidence, boolean[] known, boolean[] correct, double threshold) {
        List<Double> k = new ArrayList<>();
        List<Double> u = new ArrayList<>();
        for (int i = 0; i < confidence.length; i++) {
            (known[i] ? k : u).add(confidence[i]);
        }
        return new OpenSetMetrics(auroc(k, u), below(u, threshold), below(k, threshold), ece(confidence, known, correct),
                caught(k, u));
    }

    /** Probability that a known image scores higher than an unknown one (ties count half). */
    static double auroc(List<Double> known, List<Double> unknown) {
        if (known.isEmpty() || unknown.isEmpty()) {
            return Double.NaN;
        }
        double sum = 0;
        for (double a : known) {
            for (double b : unknown) {
                sum += a > b ? 1 : a == b ? 0.5 : 0;
            }
        }
        return sum / ((double) known.size() * unknown.size());
    }

    static double below(List<Double> values, double threshold) {
        return values.isEmpty() ? Double.NaN : values.stream().filter(v -> v < threshold).count() / (double) values.size();
    }

    /** Share of unknown images below the score that 10 % of known images fall below. */
    static double caught(List<Double> known, List<Double> unknown) {
        if (known.isEmpty() || unknown.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(known);
        sorted.sort(null);
        double cut = sorted.get((int) Math.floor(sorted.size() * 0.10));
        return unknown.stream().filter(v -> v < cut).count() / (double) unknown.size();
    }

    /** Expected calibration error of confidence as the probability of the right label, known images only. */
    static double ece(double[] confidence, boolean[] known, boolean[] correct) {
        List<Double> prob = new ArrayList<>();
        List<Boolean> right = new ArrayList<>();
        for (int i = 0; i < confidence.length; i++) {
            if (known[i]) {
                prob.add(confidence[i] / 100);
                right.add(correct[i]);
            }
        }
        if (prob.isEmpty()) {
            return Double.NaN;
        }
        boolean[] r = new boolean[right.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = right.get(i);
        }
        return Familiarity.expectedCalibrationError(prob.stream().mapToDouble(Double::doubleValue).toArray(), r);
    }
}
