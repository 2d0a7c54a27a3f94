package io.modelloop.model.backends;

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
    private ModelBackend backend;

    @PropertyInject("modelloop.bucket")
    String bucket;

    public ModelConfiguration(Settings settings) {
        this.settings = settings;
    }

    @BindToRegistry("modelBackend")
    public synchronized ModelBackend modelBackend(S3Client s3Client) {
        if (backend == null) {
            backend = ModelBackends.create(settings, s3Client, bucket);
        }
        return backend;
    }

    /** The backend made by {@link #modelBackend}, or null. */
    public synchronized ModelBackend backend() {
        return backend;
    }
}
