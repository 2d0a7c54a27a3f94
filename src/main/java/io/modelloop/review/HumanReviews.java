package io.modelloop.review;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.detection.DetectionStore;
import io.modelloop.storage.AwsClients;
import io.modelloop.training.CurrentLabels;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.s3.S3Client;

/** Picks the human review backend named by modelloop.review.backend (builtin | a2i, default builtin). */
public final class HumanReviews {

    private HumanReviews() {
    }

    /**
     * @param store  where the built-in service keeps its loops (unused by a2i)
     * @param s3     the object store client (built-in: label folders, images, outputs)
     * @param bucket the bucket of the layout
     */
    public static HumanReview create(Settings settings, DetectionStore store, S3Client s3, String bucket, Clock clock) {
        return create(settings, store, s3, bucket, clock, new CurrentLabels(s3, bucket, Duration.ZERO, clock));
    }

    /** @param labels the label folders, shared with detection and the results route */
    public static HumanReview create(Settings settings, DetectionStore store, S3Client s3, String bucket, Clock clock,
                                     CurrentLabels labels) {
        String name = settings.get("modelloop.review.backend").trim();
        return switch (name) {
            case "builtin" -> {
                if (store == null) {
                    throw new ConfigurationException("The built-in review service needs the detection store");
                }
                yield new BuiltinReviewService(store, s3, bucket, clock, labels, holdDuration(settings));
            }
            case "a2i" -> new A2iHumanReview(new AwsClients(settings).a2iRuntime(),
                    settings.require("modelloop.review.a2i.flow-definition-arn"), labels::get);
            default -> throw new ConfigurationException("Unknown review backend '" + name
                    + "' in modelloop.review.backend: use builtin or a2i");
        };
    }

    /**
     * modelloop.review.results-margin-minutes: how far before its cursor the results route lists
     * each output flow again. Default: 15 minutes for the built-in service (its outputs are dated
     * when answered); for A2I 10 days and an hour, as A2I dates an output by its loop's start and a
     * task stays available for up to 10 days.
     */
    public static Duration resultsMargin(Settings settings) {
        String value = settings.get("modelloop.review.results-margin-minutes").trim();
        if (value.isEmpty()) {
            return "a2i".equals(settings.get("modelloop.review.backend").trim())
                    ? Duration.ofDays(10).plusHours(1) : Duration.ofMinutes(15);
        }
        int minutes = settings.getInt("modelloop.review.results-margin-minutes");
        if (minutes < 0) {
            throw new ConfigurationException("modelloop.review.results-margin-minutes must not be negative, got " + minutes);
        }
        return Duration.ofMinutes(minutes);
    }

    /** modelloop.review.hold-minutes: how long a loop a reviewer opened stays theirs (default 5). */
    static Duration holdDuration(Settings settings) {
        int minutes = settings.getInt("modelloop.review.hold-minutes");
        if (minutes < 1) {
            throw new ConfigurationException("modelloop.review.hold-minutes must be at least 1, got " + minutes);
        }
        return Duration.ofMinutes(minutes);
    }
}
