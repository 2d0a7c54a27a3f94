package io.modelloop.model.builtin;

/** One decoded training image: its key, label index, network input and ink map (for familiarity). */
public record Sample(String key, int label, float[] pixels, float[] ink) {

    public Sample(String key, int label, float[] pixels) {
        this(key, label, pixels, null);
    }
}
