package io.modelloop.detection;

import io.modelloop.config.Once;
import io.modelloop.config.Settings;
import io.modelloop.model.ModelBackend;
import io.modelloop.notify.Notifier;
import io.modelloop.ops.LoopMetrics;
import io.modelloop.runs.RunRecorder;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.storage.Databases;
import java.time.Clock;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Detection (routes/detection.yaml): the detection store (H2 locally, DynamoDB on AWS) behind the
 * idempotent consumer, and the steps the route calls.
 */
@Configuration
public class DetectionConfiguration implements CamelConfiguration {

    private final Settings settings;
    private final Once<DetectionStore> store = new Once<>();

    @PropertyInject("modelloop.detection.max-image-bytes")
    long maxImageBytes;

    public DetectionConfiguration(Settings settings) {
        this.settings = settings;
    }

    /** Detections and human loops (modelloop.detections.store). */
    @BindToRegistry("detectionStore")
    public DetectionStore detectionStore(Databases databases) {
        return store.get(() -> DetectionStores.create(settings, databases::h2, databases::dynamo));
    }

    /** The store opened by {@link #detectionStore}, or null. */
    public DetectionStore store() {
        return store.orNull();
    }

    @BindToRegistry("detectionSteps")
    public DetectionSteps detectionSteps(S3Client s3Client, ModelBackend modelBackend, Databases databases,
                                         SystemStateRepository systemState, RunRecorder runRecorder,
                                         CamelContext camel) {
        return new DetectionSteps(new ImageValidator(s3Client, maxImageBytes), modelBackend, detectionStore(databases),
                systemState, runRecorder, LoopMetrics.of(camel), Clock.systemUTC());
    }

    @BindToRegistry("detectionNotices")
    public DetectionNotices detectionNotices(Notifier notifier, CamelContext camel) {
        return new DetectionNotices(notifier, LoopMetrics.of(camel));
    }

    @BindToRegistry("detectionIdempotency")
    public DetectionIdempotency detectionIdempotency(Databases databases) {
        return new DetectionIdempotency(detectionStore(databases));
    }

    @BindToRegistry("detectionRedrive")
    public DetectionRedrive detectionRedrive(Databases databases, SystemStateRepository systemState) {
        return new DetectionRedrive(detectionStore(databases), systemState, 100);
    }
}
