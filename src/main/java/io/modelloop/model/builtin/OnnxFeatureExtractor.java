package io.modelloop.model.builtin;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An ONNX model run by ONNX Runtime as a backbone. Its first input must be an RGB image batch,
 * N x 3 x H x W (NCHW) or N x H x W x 3 (NHWC), H = W fixed or free; its first output, flattened
 * per image, is the feature vector. The model may declare how its pixels are scaled in its metadata
 * ({@code modelloop.normalisation}: imagenet, minus-one-to-one or zero-to-one).
 * ONNX Runtime sessions are thread-safe, so this is.
 */
final class OnnxFeatureExtractor implements FeatureExtractor {

    static final String NORMALISATION_METADATA = "modelloop.normalisation";

    private final String name;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String input;
    private final String output;
    private final boolean channelsLast;
    private final int imageSize;
    private final Normalisation declared;

    /**
     * @param file       the .onnx file
     * @param name       how messages name it (the configured spec)
     * @param sizeIfFree image side to use when the model's input size is not fixed
     */
    OnnxFeatureExtractor(Path file, String name, int sizeIfFree) {
        this.name = name;
        if (!Files.isRegularFile(file)) {
            throw new Backbones.BackboneUnavailableException("Backbone model file " + file + " does not exist", null);
        }
        env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            session = env.createSession(file.toString(), options);
        } catch (OrtException | RuntimeException e) {
            throw new Backbones.BackboneUnavailableException("Backbone " + name + " is not a readable ONNX model: "
                    + e.getMessage(), e);
        }
        try {
            Map.Entry<String, NodeInfo> in = session.getInputInfo().entrySet().iterator().next();
            input = in.getKey();
            output = session.getOutputNames().iterator().next();
            if (!(in.getValue().getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT) {
                throw refused("its input " + input + " is not a float tensor");
            }
            long[] shape = t.getShape();
            if (shape.length != 4 || !(shape[1] == 3 || shape[3] == 3)) {
                throw refused("its input " + input + " has shape " + Arrays.toString(shape)
                        + ", not an RGB image batch (N x 3 x H x W or N x H x W x 3)");
            }
            channelsLast = shape[1] != 3;
            long h = channelsLast ? shape[1] : shape[2];
            long w = channelsLast ? shape[2] : shape[3];
            if (h > 0 && w > 0 && h != w) {
                throw refused("its input " + input + " takes " + w + " x " + h + " images; only square inputs are supported");
            }
            long fixed = Math.max(h, w);
            if (fixed > 0 && (fixed < 16 || fixed > 1024)) {
                throw refused("its input " + input + " takes " + fixed + " px images; 16 to 1024 px are supported");
            }
            imageSize = fixed > 0 ? (int) fixed : sizeIfFree;
            String n = session.getMetadata().getCustomMetadata().get(NORMALISATION_METADATA);
            declared = n == null || n.isBlank() ? null : Normalisation.named(n);
        } catch (OrtException | RuntimeException e) {
            closeSession();
            if (e instanceof Backbones.BackboneUnavailableException b) {
                throw b;
            }
            throw new Backbones.BackboneUnavailableException("Backbone " + name + " could not be used: " + e.getMessage(), e);
        }
    }

    private Backbones.BackboneUnavailableException refused(String why) {
        return new Backbones.BackboneUnavailableException("Backbone " + name + " cannot be used: " + why, null);
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public Optional<Normalisation> declaredNormalisation() {
        return Optional.ofNullable(declared);
    }

    @Override
    public float[] features(float[] pixels) {
        int plane = imageSize * imageSize;
        if (pixels.length == 0 || pixels.length % (3 * plane) != 0) {
            throw new IllegalArgumentException("input is not a whole number of " + imageSize + " px RGB images");
        }
        int n = pixels.length / (3 * plane);
        float[] data = channelsLast ? toChannelsLast(pixels, n, plane) : pixels;
        long[] shape = channelsLast ? new long[] {n, imageSize, imageSize, 3} : new long[] {n, 3, imageSize, imageSize};
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
             OrtSession.Result result = session.run(Map.of(input, tensor), Set.of(output))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] features = new float[out.remaining()];
            out.get(features);
            return features;
        } catch (OrtException e) {
            throw new IllegalStateException("Backbone " + name + " failed on a " + imageSize + " px image: "
                    + e.getMessage(), e);
        }
    }

    private static float[] toChannelsLast(float[] chw, int n, int plane) {
        float[] hwc = new float[chw.length];
        for (int i = 0; i < n; i++) {
            int base = i * 3 * plane;
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    hwc[base + p * 3 + c] = chw[base + c * plane + p];
                }
            }
        }
        return hwc;
    }

    @Override
    public void close() {
        closeSession();
    }

    private void closeSession() {
        try {
            session.close();
        } catch (OrtException e) {
            // nothing left to do: the native session is gone or going
        }
    }
}
