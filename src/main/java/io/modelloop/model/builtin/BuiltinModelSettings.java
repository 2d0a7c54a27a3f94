package io.modelloop.model.builtin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * How the built-in model trains and serves.
 *
 * @param imageSize              side of the square every image is scaled into, aspect ratio kept (pixels, RGB)
 * @param epochs                 passes over the training images
 * @param batchSize              images per optimiser step
 * @param learningRate           Adam's initial learning rate (cosine-decayed to 5% of it)
 * @param testFraction           share of each label's images held out for evaluation
 * @param seed                   seed of the split, the shuffles, the augmentation and the weights
 * @param backbone               optional pretrained feature extractor: an ONNX file (path or
 *                               https:// URL ending in .onnx), a DJL model URL (djl://..., file:...,
 *                               https://...) or a TorchScript file path; null or blank: a compact
 *                               CNN is trained from scratch
 * @param maxConcurrentTrainings trainings run at once in this pod; more wait their turn
 * @param maxImageBytes          larger images are rejected (classification) or skipped (training)
 * @param maxImagePixels         width x height above this is rejected or skipped
 * @param augment                random horizontal flips and small shifts while training the CNN
 * @param dataDir                data folder; DJL unpacks its native library under dataDir/djl-cache
 *                               unless DJL_CACHE_DIR is set
 * @param predictorPoolSize      concurrent classifications per loaded version
 * @param statusCacheTtl         how long classify() trusts a RUNNING status it read from the bucket
 *                               (a version stopped by another pod stops serving here after this);
 *                               any other status is read again on every classification
 * @param staleTrainingAfter     a training in progress whose pod has not reported for this long
 *                               is reported TRAINING_FAILED (the pod died)
 * @param backboneOptions        the backbone's checksum (for a URL) and pixel scaling
 * @param input                  what the network sees of an image (see {@link ImageInput})
 */
public record BuiltinModelSettings(
        int imageSize,
        int epochs,
        int batchSize,
        double learningRate,
        double testFraction,
        long seed,
        String backbone,
        int maxConcurrentTrainings,
        long maxImageBytes,
        long maxImagePixels,
        boolean augment,
        Path dataDir,
        int predictorPoolSize,
        Duration statusCacheTtl,
        Duration staleTrainingAfter,
        BackboneOptions backboneOptions,
        ImageInput input) {

    public BuiltinModelSettings {
        if (imageSize < 16 || imageSize > 512) {
            throw new IllegalArgumentException("image size must be 16..512 pixels, not " + imageSize);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1");
        }
        if (!(learningRate > 0 && learningRate < 1)) {
            throw new IllegalArgumentException("learning rate must be in (0, 1), not " + learningRate);
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1), not " + testFraction);
        }
        if (maxConcurrentTrainings < 1 || predictorPoolSize < 1) {
            throw new IllegalArgumentException("max concurrent trainings and predictor pool size must be at least 1");
        }
        if (maxImageBytes < 1 || maxImagePixels < 1) {
            throw new IllegalArgumentException("image limits must be positive");
        }
        backbone = backbone == null || backbone.isBlank() ? null : backbone.trim();
        dataDir = dataDir == null ? Path.of("data") : dataDir;
        statusCacheTtl = statusCacheTtl == null ? Duration.ofSeconds(1) : statusCacheTtl;
        staleTrainingAfter = staleTrainingAfter == null ? Duration.ofMinutes(10) : staleTrainingAfter;
        backboneOptions = backboneOptions == null ? BackboneOptions.NONE : backboneOptions;
        input = input == null ? ImageInput.RGB : input;
    }

    /**
     * Defaults for a 2-core pod: 32 px images, 30 epochs of batches of 32, Adam at 0.002, 20%
     * held out, seed 42, no backbone, one training at a time, images up to 15 MB and
     * 4096 x 4096 pixels (Rekognition Custom Labels' limits).
     */
    public static BuiltinModelSettings defaults(Path dataDir) {
        Builder b = new Builder();
        b.imageSize = 32;
        b.epochs = 30;
        b.batchSize = 32;
        b.learningRate = 0.002;
        b.testFraction = 0.2;
        b.seed = 42;
        b.maxConcurrentTrainings = 1;
        b.maxImageBytes = 15L * 1024 * 1024;
        b.maxImagePixels = 4096L * 4096;
        b.augment = true;
        b.dataDir = dataDir;
        b.predictorPoolSize = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        b.statusCacheTtl = Duration.ofSeconds(1);
        b.staleTrainingAfter = Duration.ofMinutes(10);
        b.backboneOptions = BackboneOptions.NONE;
        b.input = ImageInput.RGB;
        return b.build();
    }

    public BuiltinModelSettings withImageSize(int v) {
        return with(b -> b.imageSize = v);
    }

    public BuiltinModelSettings withEpochs(int v) {
        return with(b -> b.epochs = v);
    }

    public BuiltinModelSettings withBatchSize(int v) {
        return with(b -> b.batchSize = v);
    }

    public BuiltinModelSettings withLearningRate(double v) {
        return with(b -> b.learningRate = v);
    }

    public BuiltinModelSettings withTestFraction(double v) {
        return with(b -> b.testFraction = v);
    }

    public BuiltinModelSettings withSeed(long v) {
        return with(b -> b.seed = v);
    }

    public BuiltinModelSettings withBackbone(String v) {
        return with(b -> b.backbone = v);
    }

    public BuiltinModelSettings withAugment(boolean v) {
        return with(b -> b.augment = v);
    }

    public BuiltinModelSettings withImageLimits(long bytes, long pixels) {
        return with(b -> {
            b.maxImageBytes = bytes;
            b.maxImagePixels = pixels;
        });
    }

    public BuiltinModelSettings withStatusCacheTtl(Duration v) {
        return with(b -> b.statusCacheTtl = v);
    }

    public BuiltinModelSettings withBackboneOptions(BackboneOptions v) {
        return with(b -> b.backboneOptions = v);
    }

    public BuiltinModelSettings withDataDir(Path v) {
        return with(b -> b.dataDir = v);
    }

    public BuiltinModelSettings withInput(ImageInput v) {
        return with(b -> b.input = v);
    }

    /** A copy of these settings with the change applied, checked like any other. */
    private BuiltinModelSettings with(Consumer<Builder> change) {
        Builder b = toBuilder();
        change.accept(b);
        return b.build();
    }

    private Builder toBuilder() {
        Builder b = new Builder();
        b.imageSize = imageSize;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.testFraction = testFraction;
        b.seed = seed;
        b.backbone = backbone;
        b.maxConcurrentTrainings = maxConcurrentTrainings;
        b.maxImageBytes = maxImageBytes;
        b.maxImagePixels = maxImagePixels;
        b.augment = augment;
        b.dataDir = dataDir;
        b.predictorPoolSize = predictorPoolSize;
        b.statusCacheTtl = statusCacheTtl;
        b.staleTrainingAfter = staleTrainingAfter;
        b.backboneOptions = backboneOptions;
        b.input = input;
        return b;
    }

    /** The fields of a settings value under construction; build() checks them. */
    private static final class Builder {
        private int imageSize;
        private int epochs;
        private int batchSize;
        private double learningRate;
        private double testFraction;
        private long seed;
        private String backbone;
        private int maxConcurrentTrainings;
        private long maxImageBytes;
        private long maxImagePixels;
        private boolean augment;
        private Path dataDir;
        private int predictorPoolSize;
        private Duration statusCacheTtl;
        private Duration staleTrainingAfter;
        private BackboneOptions backboneOptions;
        private ImageInput input;

        BuiltinModelSettings build() {
            return new BuiltinModelSettings(imageSize, epochs, batchSize, learningRate, testFraction, seed, backbone,
                    maxConcurrentTrainings, maxImageBytes, maxImagePixels, augment, dataDir, predictorPoolSize,
                    statusCacheTtl, staleTrainingAfter, backboneOptions, input);
        }
    }
}
