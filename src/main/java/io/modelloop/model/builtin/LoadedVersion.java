package io.modelloop.model.builtin;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.modelloop.model.NoRunningModelException;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A version loaded for serving. At most predictorPoolSize classifications run at once; a CNN runs
 * layer by layer (see {@link NetworkOutputs}) in its own NDManager per call, a backbone's
 * FeatureExtractor is thread-safe. Closing waits for those in flight, then frees the native memory.
 */
public final class LoadedVersion implements AutoCloseable {

    /** One image's logits and its familiarity features. */
    public record Output(float[] logits, float[] features) {
    }

    private final String name;
    private final Model model;
    private final FeatureExtractor backbone;
    private final LinearHead head;
    private final int imageSize;
    private final int poolSize;
    private final Semaphore permits;
    private static final int BATCH = 64;
    private volatile boolean closed;
    private volatile FamiliarityIndex familiarity;
    private volatile FamiliarityScale familiarityScale;
    private volatile FamiliarityIndex inkIndex;
    private volatile FamiliarityScale inkScale;

    private LoadedVersion(String name, Model model, FeatureExtractor backbone, LinearHead head, int poolSize,
                          int imageSize) {
        this.name = name;
        this.model = model;
        this.backbone = backbone;
        this.head = head;
        this.imageSize = imageSize;
        this.poolSize = poolSize;
        this.permits = new Semaphore(poolSize);
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

    /**
     * Scores familiarity with these indexes and scales from now on (versions trained before it have
     * none; the ink index may be null).
     */
    public LoadedVersion withFamiliarity(FamiliarityIndex index, FamiliarityScale scale, FamiliarityIndex ink,
                                         FamiliarityScale inkScale) {
        this.familiarity = index;
        this.familiarityScale = scale;
        this.inkIndex = ink;
        this.inkScale = inkScale;
        return this;
    }

    /** Whether familiarity has an ink view here (the caller then decodes the image's ink map). */
    public boolean wantsInkMap() {
        return inkIndex != null;
    }

    /**
     * Familiarity (0-100) of an image with the training images, per label: the lower of the
     * network's view (its features against the label's images) and the ink map's (against any
     * image, so the same for every label); null without an index.
     */
    public double[] familiarity(float[] features, float[] ink, int labels) {
        FamiliarityIndex index = familiarity;
        if (index == null) {
            return null;
        }
        FamiliarityIndex byInk = inkIndex;
        double inkView = byInk == null ? Double.MAX_VALUE : inkScale.familiarity(byInk.similarity(ink));
        double[] nearest = index.similarities(features);
        double[] out = new double[labels];
        for (int label = 0; label < labels; label++) {
            out[label] = Math.min(familiarityScale.familiarity(nearest[label]), inkView);
        }
        return out;
    }

    /** The logits of many decoded images, the network run on batches of {@value #BATCH}. */
    public float[][] logits(List<float[]> pixels) {
        acquire();
        try {
            float[][] out = new float[pixels.size()][];
            if (backbone != null) {
                for (int i = 0; i < out.length; i++) {
                    out[i] = head.apply(backbone.features(pixels.get(i)));
                }
                return out;
            }
            int sampleLen = 3 * imageSize * imageSize;
            for (int start = 0; start < out.length; start += BATCH) {
                int b = Math.min(BATCH, out.length - start);
                float[] data = new float[b * sampleLen];
                for (int i = 0; i < b; i++) {
                    System.arraycopy(pixels.get(start + i), 0, data, i * sampleLen, sampleLen);
                }
                float[][] logits = NetworkOutputs.logits(model.getBlock(), model.getNDManager(), data,
                        new Shape(b, 3, imageSize, imageSize));
                System.arraycopy(logits, 0, out, start, b);
            }
            return out;
        } finally {
            permits.release();
        }
    }

    /** The logits and familiarity features of one decoded image. */
    public Output classify(float[] pixels) {
        acquire();
        try {
            if (backbone == null) {
                NetworkOutputs.Batch out = NetworkOutputs.run(model.getBlock(), model.getNDManager(), pixels,
                        new Shape(1, 3, imageSize, imageSize));
                return new Output(out.logits()[0], out.features()[0]);
            }
            float[] raw = backbone.features(pixels);
            return new Output(head.apply(raw), head.standardise(raw));
        } finally {
            permits.release();
        }
    }

    /** A place among the classifications running at once; closing takes them all. */
    private void acquire() {
        if (closed) {
            throw new NoRunningModelException("version " + name + " was unloaded");
        }
        try {
            if (!permits.tryAcquire(60, TimeUnit.SECONDS)) {
                throw new NoRunningModelException("version " + name + " is busy or unloading");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoRunningModelException("interrupted waiting for version " + name, e);
        }
        if (closed) {
            permits.release();
            throw new NoRunningModelException("version " + name + " was unloaded");
        }
    }

    @Override
    public void close() {
        closed = true;
        // wait (bounded) for classifications in flight to finish
        try {
            permits.tryAcquire(poolSize, 30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (model != null) {
                model.close();
            } else {
                backbone.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("version " + name + " did not close cleanly: " + e.getMessage(), e);
        }
    }
}
