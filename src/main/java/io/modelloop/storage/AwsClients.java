package io.modelloop.storage;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sagemakera2iruntime.SageMakerA2IRuntimeClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Builds the AWS SDK clients Camel's components use. Credentials always come from the
 * default chain (environment, web identity on EKS, instance profile); only the local
 * profile's in-process store is reached anonymously.
 */
public final class AwsClients {

    private final Settings settings;

    public AwsClients(Settings settings) {
        this.settings = settings;
    }

    public S3Client s3(String endpoint) {
        var builder = S3Client.builder()
                .forcePathStyle(settings.isLocal() || settings.getBoolean("modelloop.s3.force-path-style"));
        if (settings.isLocal()) {
            builder.credentialsProvider(AnonymousCredentialsProvider.create()).region(Region.US_EAST_1);
            builder.endpointOverride(URI.create(endpoint));
            return builder.build();
        }
        return configure(builder, endpoint).build();
    }

    /** Presigns object URLs the same way the S3 client reaches the store (endpoint, path style, credentials). */
    public software.amazon.awssdk.services.s3.presigner.S3Presigner s3Presigner(String endpoint) {
        var builder = software.amazon.awssdk.services.s3.presigner.S3Presigner.builder()
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .pathStyleAccessEnabled(settings.isLocal() || settings.getBoolean("modelloop.s3.force-path-style"))
                        .build());
        if (settings.isLocal()) {
            // the local store takes any signature: a fixed, public key pair only makes the URL well-formed
            return builder.credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local")))
                    .region(Region.US_EAST_1).endpointOverride(URI.create(endpoint)).build();
        }
        builder.credentialsProvider(credentials());
        regionAndEndpoint(endpoint, builder::region, builder::endpointOverride);
        return builder.build();
    }

    public SsmClient ssm() {
        return configure(SsmClient.builder(), settings.get("modelloop.parameters.ssm-endpoint")).build();
    }

    /**
     * The SQS client of the S3-event trigger: default credentials chain, the configured region,
     * optional endpoint override (modelloop.sqs.endpoint: VPC endpoints, tests). The SDK's own
     * retries stay on: a failed receive or delete is simply tried again, and a message whose
     * delete never arrives is only delivered again (the detection route is idempotent).
     */
    public SqsClient sqs() {
        return configure(SqsClient.builder(), settings.get("modelloop.sqs.endpoint")).build();
    }

    /**
     * The SNS client makes one attempt per call: the notification sink route retries with its
     * own back-off (modelloop.notify.retry.*), and SDK retries inside each of those attempts
     * would multiply the Publish calls (4 x 4 with the SDK's default) and delay the report.
     */
    public SnsClient sns() {
        return configure(SnsClient.builder(), settings.get("modelloop.notify.sns.endpoint"))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /**
     * The DynamoDB client of the detection and run stores: default credentials chain, the
     * configured region, optional endpoint override (modelloop.dynamodb.endpoint: DynamoDB Local
     * in development, VPC endpoints).
     */
    public DynamoDbClient dynamodb() {
        return configure(DynamoDbClient.builder(), settings.get("modelloop.dynamodb.endpoint")).build();
    }

    /**
     * The A2I runtime client of the A2I review backend: default credentials chain, the configured
     * region, optional endpoint override (modelloop.review.a2i.endpoint), and bounded SDK retries
     * with exponential back-off for throttling and 5xx (modelloop.review.a2i.retry.*); client
     * errors (validation, conflict, access denied) are not retried.
     */
    public SageMakerA2IRuntimeClient a2iRuntime() {
        int attempts = settings.getInt("modelloop.review.a2i.retry.attempts");
        long baseDelayMs = settings.getLong("modelloop.review.a2i.retry.base-delay-ms");
        if (attempts < 1 || baseDelayMs < 0) {
            throw new ConfigurationException("modelloop.review.a2i.retry.attempts must be at least 1 and"
                    + " modelloop.review.a2i.retry.base-delay-ms zero or more, got " + attempts + " and " + baseDelayMs);
        }
        return configure(SageMakerA2IRuntimeClient.builder(), settings.get("modelloop.review.a2i.endpoint"))
                .overrideConfiguration(o -> o.retryStrategy(
                        SdkRetries.retryStrategy(attempts, Duration.ofMillis(baseDelayMs))))
                .build();
    }

    /**
     * The SageMaker control-plane client of the bootstrap and teardown commands (A2I human task
     * UI and flow definition); optional endpoint override modelloop.sagemaker.endpoint.
     */
    public software.amazon.awssdk.services.sagemaker.SageMakerClient sagemaker() {
        return configure(software.amazon.awssdk.services.sagemaker.SageMakerClient.builder(),
                settings.get("modelloop.sagemaker.endpoint")).build();
    }

    /** STS, for the account id the iam-policy and bootstrap commands build ARNs with (modelloop.sts.endpoint). */
    public software.amazon.awssdk.services.sts.StsClient sts() {
        return configure(software.amazon.awssdk.services.sts.StsClient.builder(), settings.get("modelloop.sts.endpoint")).build();
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder, String endpoint) {
        builder.credentialsProvider(credentials());
        regionAndEndpoint(endpoint, builder::region, builder::endpointOverride);
        return builder;
    }

    /** modelloop.aws.region when set (else the SDK's region chain), and the endpoint override when given. */
    private void regionAndEndpoint(String endpoint, java.util.function.Consumer<Region> region,
                                   java.util.function.Consumer<URI> override) {
        String configured = settings.get("modelloop.aws.region");
        if (!configured.isBlank()) {
            region.accept(Region.of(configured));
        }
        if (endpoint != null && !endpoint.isBlank()) {
            override.accept(URI.create(endpoint));
        }
    }

    private static AwsCredentialsProvider credentials() {
        return DefaultCredentialsProvider.builder().build();
    }
}
