package io.modelloop.model.builtin;

import ai.djl.MalformedModelException;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Loads a pretrained feature extractor: an ONNX file (run by ONNX Runtime), or through DJL's
 * Criteria a model URL (djl://..., file:..., https://...; resolved by DJL's model zoo, which needs
 * network access unless the URL is local) or a TorchScript file path, whose first output,
 * flattened, is the image's feature vector.
 */
public final class Backbones {

    private static final Pattern URL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:(//)?.+");

    private Backbones() {
    }

    /** A backbone that cannot be had: the message says which and why. */
    public static class BackboneUnavailableException extends RuntimeException {
        BackboneUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Whether the spec names an ONNX model (by its file name). */
    public static boolean isOnnx(String spec) {
        String s = spec.toLowerCase(Locale.ROOT);
        int end = s.length();
        for (char c : new char[] {'?', '#'}) {
            int i = s.indexOf(c);
            if (i >= 0 && isUrl(spec)) {
                end = Math.min(end, i);
            }
        }
        return s.substring(0, end).endsWith(".onnx");
    }

    public static boolean isUrl(String spec) {
        return URL.matcher(spec).matches() && !isWindowsPath(spec);
    }

    /** Whether the spec is a URL that must be downloaded (and so needs a checksum and a bucket cache). */
    public static boolean isRemote(String spec) {
        String s = spec.toLowerCase(Locale.ROOT);
        return isUrl(spec) && (s.startsWith("http://") || s.startsWith("https://"));
    }

    /**
     * Opens the backbone a spec names. An http(s) URL with a checksum, or any http(s) ONNX URL, is
     * fetched through the bucket cache (serving: only from the bucket); other URLs go to DJL.
     *
     * @param download whether the URL itself may be fetched (training) or only the bucket's copy (serving)
     */
    public static FeatureExtractor open(String spec, String sha256, BackboneFiles files, boolean download,
                                        int imageSize) {
        Path local = null;
        if (isRemote(spec) && (sha256 != null || isOnnx(spec))) {
            local = files.localCopy(spec, sha256, download);
        }
        return load(spec, local, imageSize);
    }

    /**
     * @param spec      as configured: names the backbone in messages and picks its kind
     * @param localFile where an ONNX model's bytes are (a downloaded copy of a URL), or null: spec itself
     * @param imageSize image side when the model does not fix one
     */
    public static FeatureExtractor load(String spec, Path localFile, int imageSize) {
        if (isOnnx(spec)) {
            Path file = localFile;
            if (file == null) {
                if (isRemote(spec)) {
                    throw new BackboneUnavailableException("Backbone " + spec
                            + " is a URL: set modelloop.builtin.backbone-sha256 to its SHA-256 so it can be downloaded"
                            + " and checked", null);
                }
                file = isUrl(spec) ? Path.of(URI.create(spec)) : Path.of(spec).toAbsolutePath();
            }
            return new OnnxFeatureExtractor(file, spec, imageSize);
        }
        if (localFile != null) {
            return djl(spec, Criteria.<float[], float[]>builder().setTypes(float[].class, float[].class)
                    .optModelUrls(localFile.toUri().toString()), imageSize);
        }
        Criteria.Builder<float[], float[]> criteria = Criteria.builder().setTypes(float[].class, float[].class);
        if (isUrl(spec)) {
            criteria.optModelUrls(spec);
        } else {
            Path path = Path.of(spec).toAbsolutePath();
            if (!Files.exists(path)) {
                throw new BackboneUnavailableException("Backbone model file " + path + " does not exist", null);
            }
            criteria.optModelPath(path);
        }
        return djl(spec, criteria, imageSize);
    }

    private static FeatureExtractor djl(String spec, Criteria.Builder<float[], float[]> criteria, int imageSize) {
        TorchEngine.get();
        criteria.optEngine(NetworkTrainer.ENGINE).optTranslator(new PixelsTranslator(imageSize));
        try {
            ZooModel<float[], float[]> model = criteria.build().loadModel();
            return new DjlFeatureExtractor(model, imageSize, spec);
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new BackboneUnavailableException("Backbone " + spec + " could not be loaded: " + e.getMessage(), e);
        }
    }

    private static boolean isWindowsPath(String spec) {
        return spec.length() > 2 && Character.isLetter(spec.charAt(0)) && spec.charAt(1) == ':'
                && (spec.charAt(2) == '\\' || spec.charAt(2) == '/');
    }
}
