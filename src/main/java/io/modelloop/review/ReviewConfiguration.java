package io.modelloop.review;

import io.modelloop.config.Once;
import io.modelloop.config.Settings;
import io.modelloop.detection.DetectionStore;
import io.modelloop.notify.Notifier;
import io.modelloop.ops.LoopMetrics;
import io.modelloop.parameters.ParameterService;
import io.modelloop.runs.RunRecorder;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.training.CurrentLabels;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Human review (routes/review.yaml, review-results.yaml, sampling.yaml): the backend loops start
 * on (modelloop.review.backend), the steps that open a loop, read its answer and apply it, and
 * the quality sample of every Nth detection, which is a review too.
 */
@Configuration
public class ReviewConfiguration implements CamelConfiguration {

    private final Settings settings;
    private final Once<HumanReview> review = new Once<>();

    @PropertyInject("modelloop.bucket")
    String bucket;

    public ReviewConfiguration(Settings settings) {
        this.settings = settings;
    }

    @BindToRegistry("humanReview")
    public HumanReview humanReview(DetectionStore detectionStore, S3Client s3Client, CurrentLabels currentLabels) {
        return review.get(() ->
                HumanReviews.create(settings, detectionStore, s3Client, bucket, Clock.systemUTC(), currentLabels));
    }

    /** The backend made by {@link #humanReview}, or null. */
    public HumanReview review() {
        return review.orNull();
    }

    @BindToRegistry("reviewRequests")
    public ReviewRequests reviewRequests(DetectionStore detectionStore, CurrentLabels currentLabels, Notifier notifier,
                                         CamelContext camel) {
        return new ReviewRequests(detectionStore, currentLabels, notifier, LoopMetrics.of(camel), Clock.systemUTC());
    }

    @BindToRegistry("reviewAnswers")
    public ReviewAnswers reviewAnswers(S3Client s3Client, DetectionStore detectionStore, CurrentLabels currentLabels,
                                       RunRecorder runRecorder, Notifier notifier, CamelContext camel) {
        return new ReviewAnswers(s3Client, bucket, detectionStore, currentLabels, runRecorder, notifier,
                LoopMetrics.of(camel), Clock.systemUTC());
    }

    @BindToRegistry("reviewOutputPoller")
    public ReviewOutputPoller reviewOutputPoller(S3Client s3Client, DetectionStore detectionStore, CurrentLabels currentLabels) {
        ReviewOutputPoller poller = new ReviewOutputPoller(s3Client, bucket, detectionStore, HumanReviews.resultsMargin(settings));
        if (humanReview(detectionStore, s3Client, currentLabels) instanceof BuiltinReviewService builtin) {
            // the answers whose output a killed pod did not write: all of them at start-up, then every
            // minute those answered over 10 s ago (a newer one may be an answer still writing its
            // output; writing it too would only write the same object again)
            AtomicBoolean first = new AtomicBoolean(true);
            poller.withOwedOutputs(() -> builtin.writeOwedOutputs(first.getAndSet(false) ? Duration.ZERO
                    : Duration.ofSeconds(10)), Duration.ofMinutes(1));
        }
        return poller;
    }

    @BindToRegistry("humanSampling")
    public HumanSampling humanSampling(DetectionStore detectionStore, S3Client s3Client, CurrentLabels currentLabels,
                                       ParameterService parameterService, SystemStateRepository systemState,
                                       RunRecorder runRecorder, Notifier notifier, CamelContext camel) {
        return new HumanSampling(detectionStore, humanReview(detectionStore, s3Client, currentLabels), currentLabels,
                parameterService, systemState, runRecorder, notifier, LoopMetrics.of(camel), Clock.systemUTC());
    }
}
