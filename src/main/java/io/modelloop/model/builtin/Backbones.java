package io.modelloop.model.builtin;

import ai.djl.MalformedModelException;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Loads a pretrained feature extractor through DJL's Criteria: a model URL (djl://..., file:...,
 * https://...; resolved by DJL's model zoo, which needs network access unless the URL is local)
 * or a TorchScript file path. Its first output, flattened, is the image's feature vector.
 */
public final class Backbones {

    private static final Pattern URL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:(//)?.+");

    private Backbones() {
    }

    /** A backbone that cannot be had: the message says which and why. */
    public static final class BackboneUnavailableException extends RuntimeException {
        BackboneUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static ZooModel<float[], float[]> load(String spec, int imageSize) {
        TorchEngine.get();
        Criteria.Builder<float[], float[]> criteria = Criteria.builder()
                .setTypes(float[].class, float[].class)
                .optEngine(NetworkTrainer.ENGINE)
                .optTranslator(new PixelsTranslator(imageSize));
        boolean url = URL.matcher(spec).matches() && !isWindowsPath(spec);
        if (url) {
            criteria.optModelUrls(spec);
        } else {
            Path path = Path.of(spec).toAbsolutePath();
            if (!Files.exists(path)) {
                throw new BackboneUnavailableException("Backbone model file " + path + " does not exist", null);
            }
            criteria.optModelPath(path);
        }
        try {
            return criteria.build().loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new BackboneUnavailableException("Backbone " + spec + " could not be loaded: " + e.getMessage(), e);
        }
    }

    private static boolean isWindowsPath(String spec) {
        return spec.length() > 2 && Character.isLetter(spec.charAt(0)) && spec.charAt(1) == ':'
                && (spec.charAt(2) == '\\' || spec.charAt(2) == '/');
    }
}
