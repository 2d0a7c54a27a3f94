package io.modelloop.model.builtin;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A DJL model (TorchScript file or model-zoo URL) as a backbone. DJL predictors are not
 * thread-safe: each call borrows an idle one (or makes one) and gives it back.
 */
final class DjlFeatureExtractor implements FeatureExtractor {

    private final ZooModel<float[], float[]> model;
    private final int imageSize;
    private final String spec;
    private final Queue<Predictor<float[], float[]>> idle = new ConcurrentLinkedQueue<>();
    private final Queue<Predictor<float[], float[]>> all = new ConcurrentLinkedQueue<>();

    DjlFeatureExtractor(ZooModel<float[], float[]> model, int imageSize, String spec) {
        this.model = model;
        this.imageSize = imageSize;
        this.spec = spec;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public Optional<Normalisation> declaredNormalisation() {
        return Optional.empty();
    }

    @Override
    public float[] features(float[] pixels) {
        Predictor<float[], float[]> p = idle.poll();
        if (p == null) {
            p = model.newPredictor();
            all.add(p);
        }
        try {
            return p.predict(pixels);
        } catch (TranslateException e) {
            throw new IllegalStateException("Backbone " + spec + " failed: " + e.getMessage(), e);
        } finally {
            idle.add(p);
        }
    }

    @Override
    public void close() {
        all.forEach(Predictor::close);
        model.close();
    }
}
