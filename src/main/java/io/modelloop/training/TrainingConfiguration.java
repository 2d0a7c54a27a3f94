package io.modelloop.training;

import io.modelloop.config.Once;
import io.modelloop.model.ModelBackend;
import io.modelloop.notify.Notifier;
import io.modelloop.parameters.ParameterService;
import io.modelloop.runs.RunRecorder;
import io.modelloop.state.SystemStateRepository;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Training (routes/training.yaml): the pipeline whose steps the training-progress routes call,
 * the model backend's "version finished" events handed to those routes, and the label folders
 * as detection, review and results see them.
 */
@Configuration
public class TrainingConfiguration implements CamelConfiguration {

    @PropertyInject("modelloop.bucket")
    String bucket;

    @PropertyInject("modelloop.training.challenger-tolerance")
    String challengerTolerance;

    /** Cached briefly, refreshed when a folder is added. */
    @BindToRegistry("currentLabels")
    public CurrentLabels currentLabels(S3Client s3Client) {
        return new CurrentLabels(s3Client, bucket, Duration.ofSeconds(30), Clock.systemUTC());
    }

    private final Once<TrainingPipeline> pipeline = new Once<>();

    /** The pipeline made by {@link #trainingPipeline}, or null. */
    public TrainingPipeline pipeline() {
        return pipeline.orNull();
    }

    /**
     * The model backend tells {@link VersionEvents#ENDPOINT} when a training or a start it ran has
     * finished (a backend that cannot, Rekognition, tells nothing and is polled).
     */
    @BindToRegistry("modelVersionEvents")
    public VersionEvents modelVersionEvents(ModelBackend modelBackend, CamelContext camel) {
        VersionEvents events = new VersionEvents(camel.createProducerTemplate());
        modelBackend.addVersionListener(events);
        return events;
    }

    @BindToRegistry("trainingPipeline")
    public TrainingPipeline trainingPipeline(S3Client s3Client, ModelBackend modelBackend, ParameterService parameterService,
                                             SystemStateRepository systemState, RunRecorder runRecorder, Notifier notifier) {
        return pipeline.get(() -> new TrainingPipeline(s3Client, bucket, modelBackend, parameterService, systemState,
                runRecorder, notifier, Clock.systemUTC(), ChallengerGate.tolerance(challengerTolerance)));
    }
}
