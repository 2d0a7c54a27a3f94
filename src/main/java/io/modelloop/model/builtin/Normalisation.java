package io.modelloop.model.builtin;

import java.util.List;

/** Per-channel (R, G, B) mean and standard deviation applied to pixel values scaled to 0..1. */
public record Normalisation(List<Double> mean, List<Double> std) {

    /** Maps 0..1 to -1..1: used by the CNN trained from scratch. */
    public static final Normalisation CENTRED = new Normalisation(List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5));
    /** ImageNet statistics: what pretrained backbones expect. */
    public static final Normalisation IMAGENET = new Normalisation(List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225));

    public Normalisation {
        if (mean == null || std == null || mean.size() != 3 || std.size() != 3) {
            throw new IllegalArgumentException("normalisation needs three means and three standard deviations");
        }
        mean = List.copyOf(mean);
        std = List.copyOf(std);
    }

    float[] meanArray() {
        return new float[] {mean.get(0).floatValue(), mean.get(1).floatValue(), mean.get(2).floatValue()};
    }

    float[] stdArray() {
        return new float[] {std.get(0).floatValue(), std.get(1).floatValue(), std.get(2).floatValue()};
    }
}
