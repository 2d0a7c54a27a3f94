package io.modelloop.model.builtin;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.nn.Block;
import ai.djl.translate.TranslateException;
import io.modelloop.model.NoRunningModelException;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A version loaded for serving. DJL predictors are not thread-safe: each classification borrows
 * one from a fixed pool (as many as concurrent classifications allowed) and gives it back; a
 * backbone version's slots carry no predictor (its FeatureExtractor is thread-safe) but still bound
 * the concurrency. Closing waits for the borrowed ones to come back, then frees the native memory.
 */
public final class LoadedVersion implements AutoCloseable {

    private final String name;
    private final AutoCloseable model;
    private final FeatureExtractor backbone;
    private final LinearHead head;
    private final BlockingQueue<Slot> pool;
    private final List<Slot> all = new ArrayList<>();
    private volatile boolean closed;

    /** A permit to classify: with the CNN's predictor, or none for a backbone. */
    private record Slot(Predictor<float[], float[]> predictor) {
    }

    private LoadedVersion(String name, Model model, FeatureExtractor backbone, LinearHead head, int poolSize,
                          int imageSize) {
        this.name = name;
        this.model = model != null ? model : backbone;
        this.backbone = backbone;
        this.head = head;
        this.pool = new ArrayBlockingQueue<>(poolSize);
        PixelsTranslator translator = new PixelsTranslator(imageSize);
        for (int i = 0; i < poolSize; i++) {
            Slot slot = new Slot(model == null ? null : model.newPredictor(translator));
            all.add(slot);
            pool.add(slot);
        }
    }

    /**
     * Rebuilds the version's network from its record and parameters.
     *
     * @param backboneFiles where a URL backbone's bucket copy is read from (never the URL itself)
     */
    public static LoadedVersion load(VersionRecord record, byte[] parameters, int poolSize, BackboneFiles backboneFiles) {
        int classes = record.labels.size();
        Architecture arch = record.architecture;
        if (arch.isCnn()) {
            TorchEngine.get();
            Model model = Model.newInstance(record.name, Device.cpu(), NetworkTrainer.ENGINE);
            try {
                Block block = arch.newBlock(classes);
                block.loadParameters(model.getNDManager(), new DataInputStream(new ByteArrayInputStream(parameters)));
                model.setBlock(block);
                return new LoadedVersion(record.name, model, null, null, poolSize, record.imageSize);
            } catch (IOException | MalformedModelException | RuntimeException e) {
                model.close();
                throw new IllegalStateException("version " + record.name + " could not be loaded: " + e.getMessage(), e);
            }
        }
        LinearHead head = LinearHead.fromParameters(arch, classes, parameters);
        FeatureExtractor backbone = Backbones.open(arch.backbone(), arch.backboneSha256(), backboneFiles, false,
                record.imageSize);
        try {
            if (backbone.imageSize() != record.imageSize) {
                throw new IllegalStateException("version " + record.name + " was trained on " + record.imageSize
                        + " px images but its backbone " + arch.backbone() + " now takes " + backbone.imageSize() + " px");
            }
            return new LoadedVersion(record.name, null, backbone, head, poolSize, record.imageSize);
        } catch (RuntimeException e) {
            backbone.close();
            throw e;
        }
    }

    /** The logits of one decoded image. */
    public float[] logits(float[] pixels) {
        if (closed) {
            throw new NoRunningModelException("version " + name + " was unloaded");
        }
        Slot slot;
        try {
            slot = pool.poll(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoRunningModelException("interrupted waiting for version " + name, e);
        }
        if (slot == null) {
            throw new NoRunningModelException("version " + name + " is busy or unloading");
        }
        try {
            if (closed) {
                throw new NoRunningModelException("version " + name + " was unloaded");
            }
            return backbone == null ? slot.predictor().predict(pixels) : head.apply(backbone.features(pixels));
        } catch (TranslateException e) {
            throw new IllegalStateException("version " + name + " failed to classify: " + e.getMessage(), e);
        } finally {
            pool.add(slot);
        }
    }

    @Override
    public void close() {
        closed = true;
        // wait (bounded) for classifications in flight to hand their predictors back
        for (int i = 0; i < all.size(); i++) {
            try {
                if (pool.poll(30, TimeUnit.SECONDS) == null) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        all.stream().map(Slot::predictor).filter(p -> p != null).forEach(Predictor::close);
        try {
            model.close();
        } catch (Exception e) {
            throw new IllegalStateException("version " + name + " did not close cleanly: " + e.getMessage(), e);
        }
    }
}
