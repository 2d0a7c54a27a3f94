package io.modelloop.storage;

import java.time.Duration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Short-lived links to objects for reviewers' browsers: presigned GET URLs that expire after
 * a few minutes, so a link copied out of the review page stops working soon.
 */
public record ImageLinks(S3Presigner presigner, Duration validity) implements AutoCloseable {

    /** A GET URL for s3://bucket/key valid for the configured time. */
    public String link(String s3Uri) {
        if (s3Uri == null || !s3Uri.startsWith("s3://") || s3Uri.indexOf('/', 5) < 0) {
            return null;
        }
        int slash = s3Uri.indexOf('/', 5);
        String bucket = s3Uri.substring(5, slash);
        String key = s3Uri.substring(slash + 1);
        return presigner.presignGetObject(r -> r.signatureDuration(validity)
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString();
    }

    public Duration validity() {
        return validity;
    }

    @Override
    public void close() {
        presigner.close();
    }
}
