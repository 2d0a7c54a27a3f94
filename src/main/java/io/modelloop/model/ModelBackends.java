package io.modelloop.model;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.storage.AwsClients;
import software.amazon.awssdk.services.s3.S3Client;

/** Picks the model backend named by modelloop.model.backend: the one place that knows every backend class. */
public final class ModelBackends {

    private ModelBackends() {
    }

    public static ModelBackend create(Settings settings, S3Client s3, String bucket) {
        String name = settings.get("modelloop.model.backend", "builtin");
        return switch (name) {
            case "rekognition" -> new RekognitionModelBackend(new AwsClients(settings).rekognition(),
                    settings.require("modelloop.rekognition.project"), bucket, s3);
            default -> throw new ConfigurationException("Unknown model backend '" + name
                    + "' in modelloop.model.backend: use builtin or rekognition");
        };
    }
}
