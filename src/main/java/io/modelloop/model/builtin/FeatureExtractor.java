package io.modelloop.model.builtin;

import java.util.Optional;

/**
 * A frozen pretrained network that turns images into feature vectors (a backbone). Implementations
 * are thread-safe: one instance serves concurrent classifications.
 */
public interface FeatureExtractor extends AutoCloseable {

    /** Side of the square images it takes: fixed by the model file, or the configured image size. */
    int imageSize();

    /** How the model file says pixels must be scaled, when it says so. */
    Optional<Normalisation> declaredNormalisation();

    /**
     * Features of a batch: {@code pixels} is one or more decoded images of {@link #imageSize()}
     * (channel-first R, G, B planes each, concatenated); the result is one feature vector per
     * image, concatenated in the same order.
     */
    float[] features(float[] pixels);

    @Override
    void close();
}
