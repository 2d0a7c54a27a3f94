package io.modelloop.detection;

import io.modelloop.config.Settings;
import io.modelloop.model.ModelBackend;
import io.modelloop.notify.Notifier;
import io.modelloop.ops.LoopMetrics;
import io.modelloop.parameters.ParameterService;
import io.modelloop.review.BuiltinReviewService;
import io.modelloop.review.HumanReview;
import io.modelloop.review.HumanReviews;
import io.modelloop.review.ReviewOutputPoller;
import io.modelloop.review.ReviewRequests;
import io.modelloop.review.ReviewAnswers;
import io.modelloop.runs.RunRecorder;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.training.CurrentLabels;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.CamelContext;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds the detection, review-results and sampling beans the YAML routes call, and binds them. */
public final class DetectionWiring {

    private DetectionWiring() {
    }

    /** The label folders as detection, review and results see them: cached briefly, refreshed when a folder is added. */
    public static CurrentLabels labels(S3Client s3, String bucket) {
        return new CurrentLabels(s3, bucket, Duration.ofSeconds(30), Clock.systemUTC());
    }

    public static void bind(CamelContext camel, Settings settings, S3Client s3, String bucket, DetectionStore store,
                            HumanReview review, CurrentLabels labels, ModelBackend model, ParameterService parameters,
                            SystemStateRepository systemState, RunRecorder runs, Notifier notifier) {
        Clock clock = Clock.systemUTC();
        LoopMetrics metrics = LoopMetrics.of(camel);
        ImageValidator validator = new ImageValidator(s3, settings.getLong("modelloop.detection.max-image-bytes"));
        camel.getRegistry().bind("detectionSteps", new DetectionSteps(validator, model, store, systemState, runs,
                metrics, clock));
        camel.getRegistry().bind("detectionNotices", new DetectionNotices(notifier, metrics));
        camel.getRegistry().bind("detectionIdempotency", new DetectionIdempotency(store));
        camel.getRegistry().bind("reviewRequests", new ReviewRequests(store, labels, notifier, metrics, clock));
        camel.getRegistry().bind("detectionRedrive", new DetectionRedrive(store, systemState, 100));
        camel.getRegistry().bind("reviewAnswers", new ReviewAnswers(s3, bucket, store, labels, runs, notifier, metrics, clock));
        ReviewOutputPoller poller = new ReviewOutputPoller(s3, bucket, store, HumanReviews.resultsMargin(settings));
        if (review instanceof BuiltinReviewService builtin) {
            // the answers whose output a killed pod did not write: all of them at start-up, then every
            // minute those answered over 10 s ago (a newer one may be an answer still writing its
            // output; writing it too would only write the same object again)
            java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
            poller.withOwedOutputs(() -> builtin.writeOwedOutputs(first.getAndSet(false) ? Duration.ZERO
                    : Duration.ofSeconds(10)), Duration.ofMinutes(1));
        }
        camel.getRegistry().bind("reviewOutputPoller", poller);
        camel.getRegistry().bind("humanSampling", new HumanSampling(store, review, labels, parameters, systemState, runs,
                notifier, metrics, clock));
    }
}
