package io.modelloop.model.builtin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a trained block in inference mode layer by layer, keeping what familiarity needs besides
 * the logits: the input pixels, the per-channel mean of every pooling layer's output and the last
 * layer's input, each L2-normalised, weighted and concatenated (features from several depths, so
 * layout, shape and texture all count). A block of one layer (a linear head on backbone
 * features) gets its input as the features.
 */
final class NetworkOutputs {

    /**
     * Weight of the input pixels against each network part: with few training images the learned
     * features tell little about what was never seen, the pixels more (bench/confidence.sh, ink
     * input: logo AUROC 0.64 without them, 0.80 at weight 1, 0.87 at 4); heavier weights made
     * random noise look familiar next to fine checkered patterns, so they count as one part.
     */
    static final float INPUT_WEIGHT = 1f;

    /** Per image: features and logits. */
    record Batch(float[][] features, float[][] logits) {
    }

    private NetworkOutputs() {
    }

    static Batch run(Block block, NDManager parent, float[] data, Shape batchShape) {
        List<Block> layers = block instanceof SequentialBlock seq ? seq.getChildren().values() : List.of(block);
        int b = (int) batchShape.get(0);
        try (NDManager m = parent.newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDList x = new NDList(m.create(data, batchShape));
            NDList parts = new NDList();
            if (layers.size() > 1) {
                // each pixel as its difference from the image's mean colour: a plain background is
                // about 0 instead of the bulk of every vector (all white images would look alike)
                NDArray in = x.singletonOrThrow();
                NDArray centred = in.sub(in.mean(new int[] {3}, true).mean(new int[] {2}, true));
                parts.add(normalised(centred.reshape(b, -1)).mul(INPUT_WEIGHT));
            }
            for (int i = 0; i < layers.size(); i++) {
                Block layer = layers.get(i);
                if (i == layers.size() - 1) {
                    parts.add(normalised(x.singletonOrThrow().reshape(b, -1)));
                }
                long side = x.singletonOrThrow().getShape().dimension() == 4 ? x.singletonOrThrow().getShape().get(2) : 0;
                x = layer.forward(ps, x, false);
                NDArray out = x.singletonOrThrow();
                // a layer that shrinks the picture is a pooling step: the end of a block
                if (i < layers.size() - 1 && out.getShape().dimension() == 4 && out.getShape().get(2) < side) {
                    parts.add(normalised(out.mean(new int[] {3}).mean(new int[] {2})));
                }
            }
            return new Batch(rows(NDArrays.concat(parts, 1).toFloatArray(), b),
                    rows(x.singletonOrThrow().toFloatArray(), b));
        }
    }

    /** Only the logits (no familiarity features), in inference mode. */
    static float[][] logits(Block block, NDManager parent, float[] data, Shape batchShape) {
        try (NDManager m = parent.newSubManager()) {
            NDList out = block.forward(new ParameterStore(m, false), new NDList(m.create(data, batchShape)), false);
            return rows(out.singletonOrThrow().toFloatArray(), (int) batchShape.get(0));
        }
    }

    private static NDArray normalised(NDArray t) {
        return t.div(t.pow(2).sum(new int[] {1}, true).sqrt().add(1e-6f));
    }

    private static float[][] rows(float[] flat, int b) {
        int k = flat.length / b;
        float[][] out = new float[b][];
        for (int i = 0; i < b; i++) {
            out[i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
        }
        return out;
    }
}
