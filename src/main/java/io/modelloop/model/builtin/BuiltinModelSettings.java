package io.modelloop.model.builtin;

import java.nio.file.Path;
import java.time.Duration;

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
        return new BuiltinModelSettings(32, 30, 32, 0.002, 0.2, 42, null, 1,
                15L * 1024 * 1024, 4096L * 4096, true, dataDir,
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                Duration.ofSeconds(1), Duration.ofMinutes(10), BackboneOptions.NONE, ImageInput.RGB);
    }

    public BuiltinModelSettings withImageSize(int v) {
        return new BuiltinModelSettings(v, epochs, batchSize, learningRate, testFraction, seed, backbone,
                maxConcurrentTrainings, maxImageBytes, maxImagePixels, augment, dataDir, predictorPoolSize,
                statusCacheTtl, staleTrainingAfter, backboneOptions, input);
    }

    public BuiltinModelSettings withEpochs(int v) {
        return new BuiltinModelSettings(imageSize, v, batchSize, learningRate, testFraction, seed, backbone,
                maxConcurrentTrainings, maxImageBytes, maxImagePixels, augment, dataDir, predictorPoolSize,
                statusCacheTtl, staleTrainingAfter, backboneOptions, input);
    }

    public BuiltinModelSettings withBatchSize(int v) {
        return new BuiltinModelSettings(imageSize, epochs, v, learningRate, testFraction, seed, backbone,
                maxConcurrentTrainings, maxImageBytes, maxImagePixels, augment, dataDir, predictorPoolSize,
                statusCacheTtl, staleTrainingAfter, backboneOptions, input);
    }

    public BuiltinModelSettings withLearningRate(double v) {
        return new BuiltinModelSettings(imageSize, epochs, batchSize, v, testFraction, seed, backbone,
                maxConcurrentTrainings, maxImageBytes, maxImagePixels, augment, dataDir, predictorPoolSize,
                statusCacheTtl, staleTrainingAfter, backboneOptions, input);
    }

    public BuiltinModelSettings withTestFraction(double v) {
        return new BuiltinModelSettings(imageSize, epochs, batchSize, learningRate, v, seed, backbone,
                maxConcurrentTrainings, maxImageBytes, maxImagePixels, augment, dataDir, predictorPoolSize,
                statusCacheTtl, staleTrainingAfter, backboneOptions, input);
    }

    public BuiltinModelSettings withSeed(long v) {
        return new BuiltinModelSettings(imageSize, epochs, batchSize, learningRate, testFraction, v, backbone,
                maxConcurrentTrainings, maxImageBytes, maxImagePixels, augment, dataDir, predictorPoolSize,
                statusCacheTtl, staleTrainingAfter, backboneOptions, input);
    }

    public BuiltinModelSettings withBackbone(String v) {
        return new BuiltinModelSettings(imageSize, epochs, batchSize, learningRate, testFraction, seed, v,
                maxConcurrentTrainings, maxImageBytes, maxImagePixels, augment, dataDir, predictorPoolSize,
                statusCacheTtl, staleTrainingAfter, backboneOptions, input);
    }

    public BuiltinModelSettings withAugment(boolean v) {
        return new BuiltinModelSettings(imageSize, epochs, batchSize, learningRate, testFraction, seed, backbone,
                maxConcurrentTrainings, maxImageBytes, maxImagePixels, v, dataDir, predictorPoolSize,
                statusCacheTtl, staleTrainingAfter, backboneOptions, input);
    }

    public BuiltinModelSettings withImageLimits(long bytes, long pixels) {
        return new BuiltinModelSettings(imageSize, epochs, batchSize, learningRate, testFraction, seed, backbone,
                maxConcurrentTrainings, bytes, pixels, augment, dataDir, predictorPoolSize,
                statusCacheTtl, staleTrainingAfter, backboneOptions, input);
    }

    public BuiltinModelSettings withStatusCacheTtl(Duration v) {
        return new BuiltinModelSettings(imageSize, epochs, batchSize, learningRate, testFraction, seed, backbone,
                maxConcurrentTrainings, maxImageBytes, maxImagePixels, augment, dataDir, predictorPoolSize,
                v, staleTrainingAfter, backboneOptions, input);
    }

    public BuiltinModelSettings withBackboneOptions(BackboneOptions v) {
        return new BuiltinModelSettings(imageSize, epochs, batchSize, learningRate, testFraction, seed, backbone,
                maxConcurrentTrainings, maxImageBytes, maxImagePixels, augment, dataDir, predictorPoolSize,
                statusCacheTtl, staleTrainingAfter, v, input);
    }

    public BuiltinModelSettings withDataDir(Path v) {
        return new BuiltinModelSettings(imageSize, epochs, batchSize, learningRate, testFraction, seed, backbone,
                maxConcurrentTrainings, maxImageBytes, maxImagePixels, augment, v, predictorPoolSize,
                statusCacheTtl, staleTrainingAfter, backboneOptions, input);
    }

    public BuiltinModelSettings withInput(ImageInput v) {
        return new BuiltinModelSettings(imageSize, epochs, batchSize, learningRate, testFraction, seed, backbone,
                maxConcurrentTrainings, maxImageBytes, maxImagePixels, augment, dataDir, predictorPoolSize,
                statusCacheTtl, staleTrainingAfter, backboneOptions, v);
    }
}
