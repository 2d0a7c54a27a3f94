package io.modelloop.model.builtin;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * A trained linear layer applied in plain Java to standardised features:
 * logits = W x ((features - mean) / std) + b (cheap next to the backbone).
 */
final class LinearHead {

    private final float[] weight;
    private final float[] bias;
    private final int classes;
    private final int features;
    private final double[] mean;
    private final double[] std;

    private LinearHead(float[] weight, float[] bias, int classes, Architecture architecture) {
        this.weight = weight;
        this.bias = bias;
        this.classes = classes;
        this.features = architecture.featureSize();
        this.mean = architecture.featureMean().stream().mapToDouble(Double::doubleValue).toArray();
        this.std = architecture.featureStd().stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Reads a DJL Linear block's saved parameters. */
    static LinearHead fromParameters(Architecture architecture, int classes, byte[] parameters) {
        Block block = architecture.newBlock(classes);
        try (NDManager manager = TorchEngine.get().newBaseManager()) {
            block.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(parameters)));
            float[] w = null;
            float[] b = null;
            for (var p : block.getParameters()) {
                Parameter param = p.getValue();
                if (param.getType() == Parameter.Type.WEIGHT) {
                    w = param.getArray().toFloatArray();
                } else if (param.getType() == Parameter.Type.BIAS) {
                    b = param.getArray().toFloatArray();
                }
            }
            if (w == null || b == null || w.length != classes * architecture.featureSize() || b.length != classes) {
                throw new IllegalStateException("the head's parameters do not match " + classes + " labels x "
                        + architecture.featureSize() + " features");
            }
            return new LinearHead(w, b, classes, architecture);
        } catch (IOException | MalformedModelException e) {
            throw new IllegalStateException("the head's parameters are not readable: " + e.getMessage(), e);
        }
    }

    /** The standardised features the head is applied to. */
    float[] standardise(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) ((x[i] - mean[i]) / std[i]);
        }
        return out;
    }

    float[] apply(float[] x) {
        if (x.length != features) {
            throw new IllegalStateException("the backbone gave " + x.length + " features, the head expects " + features);
        }
        float[] out = new float[classes];
        for (int c = 0; c < classes; c++) {
            double s = bias[c];
            int row = c * features;
            for (int i = 0; i < features; i++) {
                s += weight[row + i] * ((x[i] - mean[i]) / std[i]);
            }
            out[c] = (float) s;
        }
        return out;
    }
}
