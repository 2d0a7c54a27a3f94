package io.modelloop.model;

import java.util.List;

/**
 * What scoring a version needs of one image: the label it gives and the labels it knows, with
 * no confidence.
 */
public record Prediction(String label, List<String> knownLabels) {

    public static Prediction of(Classification c) {
        return new Prediction(c.label(), c.labels().stream().map(Classification.LabelScore::label).toList());
    }
}
