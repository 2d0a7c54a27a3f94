package io.modelloop.model.builtin;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.nn.Parameter;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Trains a DJL block with Adam (cosine-decayed learning rate, small weight decay) on inputs held
 * in memory, seeded: the engine's RNG (weights, dropout), the shuffles and the augmentation all
 * derive from one seed. Each batch lives in its own NDManager, closed right after the step.
 */
public final class NetworkTrainer {

    public static final String ENGINE = "PyTorch";

    /** What the trainer reports: each finished epoch, and every batch (for heartbeats and cancellation). */
    public interface Listener {
        void epoch(int epoch, int epochs, double loss);

        default void batch() {
        }
    }

    public record Options(int epochs, int batchSize, double learningRate, long seed, boolean augment) {
    }

    /** The loss became NaN or infinite: the optimiser's steps were too large for the network. */
    public static final class DivergedException extends RuntimeException {
        DivergedException(int epoch, float loss) {
            super("Training diverged: loss is " + (Float.isNaN(loss) ? "NaN" : "infinite") + " at epoch " + epoch
                    + "; lower modelloop.builtin.learning-rate");
        }
    }

    private NetworkTrainer() {
    }

    /**
     * Trains block on x/y; the returned network is open (close it). sampleShape excludes the batch
     * axis: (3, s, s) for images, (d) for features. Augmentation applies to images only.
     */
    public static TrainedNetwork train(Block block, Shape sampleShape, List<float[]> x, int[] y, Options options,
                                       Listener listener, BooleanSupplier cancelled) {
        Engine engine = TorchEngine.get();
        engine.setRandomSeed((int) options.seed());
        Model model = Model.newInstance("modelloop", Device.cpu(), ENGINE);
        boolean ok = false;
        try {
            model.setBlock(block);
            int n = x.size();
            int batch = Math.min(options.batchSize(), n);
            int stepsPerEpoch = (n + batch - 1) / batch;
            int totalSteps = Math.max(1, stepsPerEpoch * options.epochs());
            float lr = (float) options.learningRate();
            Tracker schedule = Tracker.cosine().setBaseValue(lr).optFinalValue(lr * 0.05f).setMaxUpdates(totalSteps).build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(schedule).optWeightDecays(1e-4f).build())
                    .optDevices(new Device[] {Device.cpu()});
            Trainer trainer = model.newTrainer(config);
            long[] dims = sampleShape.getShape();
            long[] batchDims = new long[dims.length + 1];
            System.arraycopy(dims, 0, batchDims, 1, dims.length);
            batchDims[0] = 1;
            trainer.initialize(new Shape(batchDims));
            Random order = new Random(options.seed());
            Augmenter augmenter = options.augment() && dims.length == 3 ? new Augmenter(options.seed() + 1) : null;
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            int sampleLen = (int) sampleShape.size();
            for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                shuffle(idx, order);
                double lossSum = 0;
                for (int start = 0; start < n; start += batch) {
                    if (cancelled.getAsBoolean()) {
                        throw new CancellationException("cancelled");
                    }
                    int b = Math.min(batch, n - start);
                    float[] data = new float[b * sampleLen];
                    float[] labels = new float[b];
                    for (int i = 0; i < b; i++) {
                        float[] sample = x.get(idx[start + i]);
                        if (augmenter != null) {
                            sample = augmenter.apply(sample, (int) dims[1], (int) dims[2]);
                        }
                        System.arraycopy(sample, 0, data, i * sampleLen, sampleLen);
                        labels[i] = y[idx[start + i]];
                    }
                    batchDims[0] = b;
                    try (NDManager bm = trainer.getManager().newSubManager()) {
                        NDArray xb = bm.create(data, new Shape(batchDims));
                        NDArray yb = bm.create(labels);
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList pred = trainer.forward(new NDList(xb));
                            NDArray loss = trainer.getLoss().evaluate(new NDList(yb), pred);
                            float batchLoss = loss.getFloat();
                            if (!Float.isFinite(batchLoss)) {
                                // the weights have blown up and no later step brings them back
                                throw new DivergedException(epoch, batchLoss);
                            }
                            gc.backward(loss);
                            lossSum += batchLoss * b;
                        }
                        trainer.step();
                    }
                    listener.batch();
                }
                listener.epoch(epoch, options.epochs(), lossSum / n);
            }
            TrainedNetwork net = new TrainedNetwork(model, trainer, sampleShape);
            ok = true;
            return net;
        } finally {
            if (!ok) {
                model.close();
            }
        }
    }

    private static void shuffle(int[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** A trained block, still in memory: logits for any inputs, and its parameters as bytes. */
    public static final class TrainedNetwork implements AutoCloseable {
        private final Model model;
        private final Trainer trainer;
        private final Shape sampleShape;

        TrainedNetwork(Model model, Trainer trainer, Shape sampleShape) {
            this.model = model;
            this.trainer = trainer;
            this.sampleShape = sampleShape;
        }

        /** Logits in inference mode (batch norm uses its running statistics, no dropout). */
        public float[][] logits(List<float[]> inputs) {
            return outputs(inputs).logits();
        }

        /** Familiarity features (see {@link NetworkOutputs}) for each input, in inference mode. */
        public float[][] features(List<float[]> inputs) {
            return outputs(inputs).features();
        }

        /** Features and logits of every input, in batches of 64. */
        NetworkOutputs.Batch outputs(List<float[]> inputs) {
            float[][] features = new float[inputs.size()][];
            float[][] logits = new float[inputs.size()][];
            int sampleLen = (int) sampleShape.size();
            long[] dims = sampleShape.getShape();
            long[] batchDims = new long[dims.length + 1];
            System.arraycopy(dims, 0, batchDims, 1, dims.length);
            int batch = 64;
            for (int start = 0; start < inputs.size(); start += batch) {
                int b = Math.min(batch, inputs.size() - start);
                float[] data = new float[b * sampleLen];
                for (int i = 0; i < b; i++) {
                    System.arraycopy(inputs.get(start + i), 0, data, i * sampleLen, sampleLen);
                }
                batchDims[0] = b;
                NetworkOutputs.Batch out = NetworkOutputs.run(model.getBlock(), trainer.getManager(), data, new Shape(batchDims));
                System.arraycopy(out.features(), 0, features, start, b);
                System.arraycopy(out.logits(), 0, logits, start, b);
            }
            return new NetworkOutputs.Batch(features, logits);
        }

        /** The block's parameters in DJL's format (Block.saveParameters). */
        public byte[] parameters() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                model.getBlock().saveParameters(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        public Block block() {
            return model.getBlock();
        }

        @Override
        public void close() {
            trainer.close();
            model.close();
        }
    }
}
