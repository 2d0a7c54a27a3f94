package io.modelloop.model.builtin;

import java.util.List;
import java.util.Locale;

/** Per-channel (R, G, B) mean and standard deviation applied to pixel values scaled to 0..1. */
public record Normalisation(List<Double> mean, List<Double> std) {

    /** Maps 0..1 to -1..1: used by the CNN trained from scratch, and what Keras MobileNet/Inception weights expect. */
    public static final Normalisation CENTRED = new Normalisation(List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5));
    /** ImageNet statistics: what torchvision-style pretrained backbones expect. */
    public static final Normalisation IMAGENET = new Normalisation(List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225));
    /** Pixel values / 255, unchanged: e.g. nsfwjs's models. */
    public static final Normalisation ZERO_TO_ONE = new Normalisation(List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0));

    public Normalisation {
        if (mean == null || std == null || mean.size() != 3 || std.size() != 3) {
            throw new IllegalArgumentException("normalisation needs three means and three standard deviations");
        }
        mean = List.copyOf(mean);
        std = List.copyOf(std);
    }

    /** imagenet, minus-one-to-one or zero-to-one. */
    public static Normalisation named(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "imagenet" -> IMAGENET;
            case "minus-one-to-one", "centred", "centered" -> CENTRED;
            case "zero-to-one" -> ZERO_TO_ONE;
            default -> throw new IllegalArgumentException("unknown normalisation '" + name
                    + "': use imagenet, minus-one-to-one or zero-to-one");
        };
    }

    float[] meanArray() {
        return new float[] {mean.get(0).floatValue(), mean.get(1).floatValue(), mean.get(2).floatValue()};
    }

    float[] stdArray() {
        return new float[] {std.get(0).floatValue(), std.get(1).floatValue(), std.get(2).floatValue()};
    }
}
