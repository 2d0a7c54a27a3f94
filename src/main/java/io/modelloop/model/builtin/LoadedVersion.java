package io.modelloop.model.builtin;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.ZooModel;
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
 * one from a fixed pool (as many as concurrent classifications allowed) and gives it back.
 * Closing waits for the borrowed ones to come back, then frees the native memory.
 */
public final class LoadedVersion implements AutoCloseable {

    private final String name;
    private final Model model;
    private final LinearHead head;
    private final BlockingQueue<Predictor<float[], float[]>> pool;
    private final List<Predictor<float[], float[]>> all = new ArrayList<>();
    private volatile boolean closed;

    private LoadedVersion(String name, Model model, LinearHead head, int poolSize, int imageSize) {
        this.name = name;
        this.model = model;
        this.head = head;
        this.pool = new ArrayBlockingQueue<>(poolSize);
        PixelsTranslator translator = new PixelsTranslator(imageSize);
        for (int i = 0; i < poolSize; i++) {
            Predictor<float[], float[]> p = model instanceof ZooModel<?, ?> zoo
                    ? castZoo(zoo).newPredictor()
                    : model.newPredictor(translator);
            all.add(p);
            pool.add(p);
        }
    }

    @SuppressWarnings("unchecked")
    private static ZooModel<float[], float[]> castZoo(ZooModel<?, ?> zoo) {
        return (ZooModel<float[], float[]>) zoo;
    }

    /** Rebuilds the version's network from its record and parameters. */
    public static LoadedVersion load(VersionRecord record, byte[] parameters, int poolSize) {
        int classes = record.labels.size();
        Architecture arch = record.architecture;
        if (arch.isCnn()) {
            TorchEngine.get();
            Model model = Model.newInstance(record.name, Device.cpu(), NetworkTrainer.ENGINE);
            try {
                Block block = arch.newBlock(classes);
                block.loadParameters(model.getNDManager(), new DataInputStream(new ByteArrayInputStream(parameters)));
                model.setBlock(block);
                return new LoadedVersion(record.name, model, null, poolSize, record.imageSize);
            } catch (IOException | MalformedModelException | RuntimeException e) {
                model.close();
                throw new IllegalStateException("version " + record.name + " could not be loaded: " + e.getMessage(), e);
            }
        }
        LinearHead head = LinearHead.fromParameters(arch, classes, parameters);
        ZooModel<float[], float[]> backbone = Backbones.load(arch.backbone(), record.imageSize);
        try {
            return new LoadedVersion(record.name, backbone, head, poolSize, record.imageSize);
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
        Predictor<float[], float[]> predictor;
        try {
            predictor = pool.poll(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoRunningModelException("interrupted waiting for version " + name, e);
        }
        if (predictor == null) {
            throw new NoRunningModelException("version " + name + " is busy or unloading");
        }
        try {
            if (closed) {
                throw new NoRunningModelException("version " + name + " was unloaded");
            }
            float[] out = predictor.predict(pixels);
            return head == null ? out : head.apply(out);
        } catch (TranslateException e) {
            throw new IllegalStateException("version " + name + " failed to classify: " + e.getMessage(), e);
        } finally {
            pool.add(predictor);
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
        all.forEach(Predictor::close);
        model.close();
    }
}
