package io.modelloop.model.builtin;

/** One decoded training image: its key, label index and network input. */
public record Sample(String key, int label, float[] pixels) {
}
