package io.modelloop.model;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.storage.SdkRetries;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.rekognition.RekognitionClientBuilder;

/**
 * Builds the RekognitionClient the Rekognition model backend uses: credentials from the default
 * chain (environment, web identity on EKS, instance profile; never keys in files), an optional
 * region and endpoint override, and the bounded retries of {@link SdkRetries}. What still fails
 * after them reaches {@link RekognitionModelBackend}, which reports it as a
 * {@link TransientModelException}.
 */
public final class RekognitionClients {

    private RekognitionClients() {
    }

    /**
     * The client of the configured region and endpoint override (modelloop.aws.region,
     * modelloop.rekognition.endpoint) with modelloop.rekognition.retry.* as its retries.
     */
    public static RekognitionClient fromSettings(Settings settings) {
        int attempts = settings.getInt("modelloop.rekognition.retry.attempts");
        long baseDelayMs = settings.getLong("modelloop.rekognition.retry.base-delay-ms");
        if (attempts < 1 || baseDelayMs < 0) {
            throw new ConfigurationException("modelloop.rekognition.retry.attempts must be at least 1 and"
                    + " modelloop.rekognition.retry.base-delay-ms zero or more, got " + attempts + " and " + baseDelayMs);
        }
        return build(settings.get("modelloop.aws.region"), settings.get("modelloop.rekognition.endpoint"),
                attempts, Duration.ofMillis(baseDelayMs));
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
                .overrideConfiguration(o -> o.retryStrategy(SdkRetries.retryStrategy(maxAttempts, baseDelay)));
        if (region != null && !region.isBlank()) {
            builder.region(Region.of(region.trim()));
        }
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint.trim()));
        }
        return builder.build();
    }
}
