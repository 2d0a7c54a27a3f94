package io.modelloop.training;

import io.modelloop.storage.BucketLayout;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/**
 * The current labels (folder names under images_labeled_by_folder/), read with a delimiter
 * listing and kept for a short while: every review loop shows them.
 */
public final class CurrentLabels {

    private final S3Client s3;
    private final String bucket;
    private final Duration ttl;
    private final Clock clock;
    private volatile List<String> cached;
    private volatile Instant readAt = Instant.EPOCH;

    public CurrentLabels(S3Client s3, String bucket, Duration ttl, Clock clock) {
        this.s3 = s3;
        this.bucket = bucket;
        this.ttl = ttl;
        this.clock = clock;
    }

    public List<String> get() {
        // one read of the field: a concurrent invalidate() between a check and a second read
        // returned null, which a review page turned into a 500
        List<String> labels = cached;
        if (labels == null || readAt.plus(ttl).isBefore(clock.instant())) {
            labels = list();
            cached = labels;
            readAt = clock.instant();
        }
        return labels;
    }

    private List<String> list() {
        List<String> labels = new ArrayList<>();
        var pages = s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket)
                .prefix(BucketLayout.LABELED).delimiter("/").build());
        for (CommonPrefix p : pages.commonPrefixes()) {
            String label = p.prefix().substring(BucketLayout.LABELED.length(), p.prefix().length() - 1);
            if (LabeledImages.LABEL.matcher(label).matches()) {
                labels.add(label);
            }
        }
        labels.sort(null);
        return List.copyOf(labels);
    }

    /** Forget the cached list (a new label folder was just created). */
    public void invalidate() {
        cached = null;
    }
}
