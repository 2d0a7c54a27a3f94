package io.modelloop.model;

import java.util.List;

/**
 * A classification: the top label and its confidence (0-100, a calibrated probability times
 * 100), and every label's confidence, highest first.
 */
public record Classification(String label, double confidence, List<LabelScore> labels) {

    public record LabelScore(String label, double confidence) {
    }
}
