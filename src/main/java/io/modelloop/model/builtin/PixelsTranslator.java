package io.modelloop.model.builtin;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * Feeds one or more decoded images (channel-first floats, concatenated) to a network as an
 * N x 3 x size x size batch and returns its first output flattened: logits, or a backbone's features.
 */
public final class PixelsTranslator implements Translator<float[], float[]> {

    private final int imageSize;

    public PixelsTranslator(int imageSize) {
        this.imageSize = imageSize;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[] input) {
        int plane = 3 * imageSize * imageSize;
        if (input.length == 0 || input.length % plane != 0) {
            throw new IllegalArgumentException("input is not a whole number of " + imageSize + " px RGB images");
        }
        return new NDList(ctx.getNDManager().create(input, new Shape(input.length / plane, 3, imageSize, imageSize)));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        return list.get(0).toFloatArray();
    }

    @Override
    public Batchifier getBatchifier() {
        return null;
    }
}
