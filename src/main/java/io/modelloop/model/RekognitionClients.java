package io.modelloop.model;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.rekognition.RekognitionClientBuilder;

/**
 * Builds the RekognitionClient the Rekognition model backend uses: credentials from the default
 * chain (environment, web identity on EKS, instance profile; never keys in files), an optional
 * region and endpoint override, and a bounded retry policy.
 *
 * <p>Retries are the SDK's standard ones: ThrottlingException and
 * ProvisionedThroughputExceededException (as throttling), HTTP 5xx such as InternalServerError,
 * and I/O errors, each retried with exponential back-off with full jitter starting at
 * {@code baseDelay} and capped at {@link #MAX_DELAY}, until {@code maxAttempts} calls in all
 * have been made. Client errors (an invalid image, a model that is not running, access denied)
 * are never retried. What still fails reaches {@link RekognitionModelBackend}, which reports it
 * as a {@link TransientModelException}.
 */
public final class RekognitionClients {

    /** Calls in all (first attempt included) for one operation, unless configured otherwise. */
    public static final int DEFAULT_MAX_ATTEMPTS = 4;
    /** First back-off step, unless configured otherwise; it doubles per retry. */
    public static final Duration DEFAULT_BASE_DELAY = Duration.ofMillis(500);
    /** No single back-off exceeds this. */
    public static final Duration MAX_DELAY = Duration.ofSeconds(20);

    private RekognitionClients() {
    }

    /**
     * A client with the default credentials chain.
     *
     * @param region      AWS region, or blank/null for the SDK's default region chain
     * @param endpoint    endpoint override (tests, VPC endpoints), or blank/null for the AWS default
     * @param maxAttempts calls in all per operation, at least 1 (1 = no retry)
     * @param baseDelay   first back-off step
     */
    public static RekognitionClient build(String region, String endpoint, int maxAttempts, Duration baseDelay) {
        RekognitionClientBuilder builder = RekognitionClient.builder()
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .overrideConfiguration(o -> o.retryStrategy(retryStrategy(maxAttempts, baseDelay)));
        if (region != null && !region.isBlank()) {
            builder.region(Region.of(region.trim()));
        }
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint.trim()));
        }
        return builder.build();
    }

    /** The SDK's standard AWS retry conditions with a bounded number of attempts and our back-off. */
    public static RetryStrategy retryStrategy(int maxAttempts, Duration baseDelay) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("Rekognition retry attempts must be at least 1, got " + maxAttempts);
        }
        if (baseDelay == null || baseDelay.isNegative()) {
            throw new IllegalArgumentException("Rekognition retry base delay must be zero or more, got " + baseDelay);
        }
        Duration cap = baseDelay.compareTo(MAX_DELAY) > 0 ? baseDelay : MAX_DELAY;
        BackoffStrategy backoff = baseDelay.isZero()
                ? BackoffStrategy.retryImmediately()
                : BackoffStrategy.exponentialDelay(baseDelay, cap);
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(maxAttempts)
                .backoffStrategy(backoff)
                .throttlingBackoffStrategy(backoff)
                .build();
    }
}
