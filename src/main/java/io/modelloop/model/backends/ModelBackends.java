package io.modelloop.model.backends;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.model.ModelBackend;
import io.modelloop.model.RekognitionClients;
import io.modelloop.model.RekognitionModelBackend;
import io.modelloop.model.builtin.BackboneOptions;
import io.modelloop.model.builtin.BuiltinModelBackend;
import io.modelloop.model.builtin.BuiltinModelSettings;
import io.modelloop.model.builtin.ImageInput;
import io.modelloop.model.builtin.Normalisation;
import software.amazon.awssdk.services.s3.S3Client;

/** Picks the model backend named by modelloop.model.backend: the one place that knows every backend class. */
public final class ModelBackends {

    private ModelBackends() {
    }

    static BuiltinModelSettings builtinSettings(Settings s) {
        BuiltinModelSettings b = BuiltinModelSettings.defaults(s.dataDir());
        b = b.withImageSize(s.getInt("modelloop.builtin.image-size"))
                .withEpochs(s.getInt("modelloop.builtin.epochs"))
                .withBatchSize(s.getInt("modelloop.builtin.batch-size"))
                .withBackbone(s.get("modelloop.builtin.backbone"))
                // flips and shifts help photos of objects; turn them off for text, digits or symbols
                .withAugment(!"false".equalsIgnoreCase(s.get("modelloop.builtin.augment").trim()));
        try {
            String norm = s.get("modelloop.builtin.backbone-normalisation").trim();
            String fallback = s.get("modelloop.builtin.backbone-fallback").trim();
            if (!fallback.equals("scratch") && !fallback.equals("fail")) {
                throw new IllegalArgumentException("backbone-fallback is scratch or fail, not '" + fallback + "'");
            }
            b = b.withBackboneOptions(new BackboneOptions(s.get("modelloop.builtin.backbone-sha256"),
                    norm.isEmpty() ? null : Normalisation.named(norm), fallback.equals("scratch")));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("modelloop.builtin.backbone-sha256/-normalisation/-fallback: " + e.getMessage());
        }
        String input = s.get("modelloop.builtin.input").trim();
        try {
            b = b.withInput(ImageInput.valueOf(input.toUpperCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("modelloop.builtin.input is ink or rgb, not '" + input + "'");
        }
        String lr = s.get("modelloop.builtin.learning-rate");
        try {
            return lr.isBlank() ? b : b.withLearningRate(Double.parseDouble(lr));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("modelloop.builtin.learning-rate: " + e.getMessage());
        }
    }

    public static ModelBackend create(Settings settings, S3Client s3, String bucket) {
        String name = settings.get("modelloop.model.backend");
        return switch (name) {
            case "builtin" -> new BuiltinModelBackend(s3, bucket, builtinSettings(settings));
            case "rekognition" -> new RekognitionModelBackend(RekognitionClients.fromSettings(settings),
                    settings.require("modelloop.rekognition.project"), bucket, s3);
            default -> throw new ConfigurationException("Unknown model backend '" + name
                    + "' in modelloop.model.backend: use builtin or rekognition");
        };
    }
}
