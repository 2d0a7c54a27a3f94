package io.modelloop.detection;

import java.util.ArrayList;
import java.util.List;

/**
 * How the confidence (0-100) of classified detections is spread over equal bins. A bin holds
 * from (inclusive) to to (exclusive); the last also holds 100.
 */
public record ConfidenceHistogram(List<Bin> bins, long total) {

    public static final int MAX_BINS = 100;

    public record Bin(double from, double to, long count) {
    }

    /** The bin of a confidence: the same arithmetic as the SQL of the JDBC store. */
    public static int binOf(double confidence, int bins) {
        int b = (int) Math.floor(confidence * bins / 100.0);
        return Math.max(0, Math.min(bins - 1, b));
    }

    public static ConfidenceHistogram of(long[] counts) {
        int n = counts.length;
        List<Bin> bins = new ArrayList<>(n);
        long total = 0;
        for (int i = 0; i < n; i++) {
            bins.add(new Bin(100.0 * i / n, 100.0 * (i + 1) / n, counts[i]));
            total += counts[i];
        }
        return new ConfidenceHistogram(List.copyOf(bins), total);
    }

    static void checkBins(int bins) {
        if (bins < 1 || bins > MAX_BINS) {
            throw new IllegalArgumentException("bins must be from 1 to " + MAX_BINS + ", got " + bins);
        }
    }
}
