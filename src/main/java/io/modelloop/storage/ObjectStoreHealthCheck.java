package io.modelloop.storage;

import java.time.Duration;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import io.modelloop.ops.ReadinessCheck;
import software.amazon.awssdk.services.s3.S3Client;

/** Ready only when the bucket answers. */
public final class ObjectStoreHealthCheck extends ReadinessCheck {

    private final S3Client s3;
    private final String bucket;

    public ObjectStoreHealthCheck(S3Client s3, String bucket) {
        super("object-store");
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("bucket", bucket);
        try {
            // a hanging endpoint must not hang the readiness probe past its own timeout
            s3.headBucket(b -> b.bucket(bucket).overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(3))));
            builder.up();
        } catch (RuntimeException e) {
            builder.message("bucket " + bucket + " not reachable: " + e.getMessage()).error(e).down();
        }
    }
}
