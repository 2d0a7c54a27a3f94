package io.modelloop.model.backends;

import io.modelloop.config.Once;
import io.modelloop.config.Settings;
import io.modelloop.model.ModelBackend;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.s3.S3Client;

/** The model backend (modelloop.model.backend): the built-in DJL model or Rekognition Custom Labels. */
@Configuration
public class ModelConfiguration implements CamelConfiguration {

    private final Settings settings;
    private final Once<ModelBackend> backend = new Once<>();

    @PropertyInject("modelloop.bucket")
    String bucket;

    public ModelConfiguration(Settings settings) {
        this.settings = settings;
    }

    @BindToRegistry("modelBackend")
    public ModelBackend modelBackend(S3Client s3Client) {
        return backend.get(() -> ModelBackends.create(settings, s3Client, bucket));
    }

    /** The backend made by {@link #modelBackend}, or null. */
    public ModelBackend backend() {
        return backend.orNull();
    }
}
