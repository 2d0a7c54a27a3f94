package io.modelloop.storage;

import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * The bounded retry policy of the AWS SDK clients whose calls the application does not retry
 * itself (Rekognition, A2I runtime).
 *
 * <p>Retries are the SDK's standard ones: ThrottlingException and
 * ProvisionedThroughputExceededException (as throttling), HTTP 5xx such as InternalServerError,
 * and I/O errors, each retried with exponential back-off with full jitter starting at
 * {@code baseDelay} and capped at {@link #MAX_DELAY}, until {@code maxAttempts} calls in all
 * have been made. Client errors (an invalid image, a model that is not running, access denied)
 * are never retried.
 */
public final class SdkRetries {

    /** Calls in all (first attempt included) for one operation, unless configured otherwise. */
    public static final int DEFAULT_MAX_ATTEMPTS = 4;
    /** First back-off step, unless configured otherwise; it doubles per retry. */
    public static final Duration DEFAULT_BASE_DELAY = Duration.ofMillis(500);
    /** No single back-off exceeds this. */
    public static final Duration MAX_DELAY = Duration.ofSeconds(20);

    private SdkRetries() {
    }

    /** The SDK's standard AWS retry conditions with a bounded number of attempts and our back-off. */
    public static RetryStrategy retryStrategy(int maxAttempts, Duration baseDelay) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("SDK retry attempts must be at least 1, got " + maxAttempts);
        }
        if (baseDelay == null || baseDelay.isNegative()) {
            throw new IllegalArgumentException("SDK retry base delay must be zero or more, got " + baseDelay);
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
