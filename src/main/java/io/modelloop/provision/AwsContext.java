package io.modelloop.provision;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.model.RekognitionClients;
import io.modelloop.parameters.SsmParameterStore;
import io.modelloop.storage.AwsClients;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The names bootstrap, teardown and iam-policy work on, all taken from the configuration, and
 * the SDK clients (built on first use, so a command touches only the services it needs). Every
 * AWS call goes through {@link #call} with its IAM action, which turns access denied into an
 * {@link AccessRefusedException} naming action and resource, and records the action so tests
 * can hold the bootstrap policy against what the code really calls.
 */
public final class AwsContext implements AutoCloseable {

    /** Error codes AWS services use for a refused permission (S3, JSON services, SNS's Query protocol). */
    private static final Set<String> ACCESS_DENIED = Set.of("AccessDenied", "AccessDeniedException",
            "AuthorizationError", "AuthorizationErrorException", "UnauthorizedOperation", "AccessDeniedFault");

    private final Settings settings;
    private final AwsClients clients;
    private final List<SdkClient> opened = new ArrayList<>();
    private final Set<String> actions = new LinkedHashSet<>();
    private S3Client s3;
    private SqsClient sqs;
    private SnsClient sns;
    private SsmClient ssm;
    private DynamoDbClient dynamodb;
    private RekognitionClient rekognition;
    private SageMakerClient sagemaker;
    private String region;
    private String account;

    public AwsContext(Settings settings) {
        if (settings.isLocal()) {
            throw new ConfigurationException("This command works on AWS: run it with --profile aws (or CAMEL_MAIN_PROFILE=aws)");
        }
        this.settings = settings;
        this.clients = new AwsClients(settings);
    }

    public Settings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ names

    public String bucket() {
        return settings.bucket();
    }

    public String bucketArn() {
        return "arn:aws:s3:::" + bucket();
    }

    public boolean sqsTrigger() {
        return "sqs".equalsIgnoreCase(settings.get("modelloop.trigger").trim());
    }

    public String queueName() {
        String url = settings.get("modelloop.sqs.queue-url").trim().replaceAll("/+$", "");
        return url.isEmpty() ? settings.get("modelloop.sqs.queue").trim() : url.substring(url.lastIndexOf('/') + 1);
    }

    public String deadLetterQueueName() {
        return queueName() + "-dlq";
    }

    public int maxReceiveCount() {
        int n = settings.getInt("modelloop.sqs.max-receive-count");
        if (n < 1 || n > 1000) {
            throw new ConfigurationException("modelloop.sqs.max-receive-count must be 1 to 1000, got " + n);
        }
        return n;
    }

    /** The configured topic ARN, or empty when the topic is known by name only. */
    public String configuredTopicArn() {
        return settings.get("modelloop.notify.sns.topic-arn").trim();
    }

    public String topicName() {
        String arn = configuredTopicArn();
        return arn.isEmpty() ? settings.get("modelloop.notify.sns.topic-name").trim() : arn.substring(arn.lastIndexOf(':') + 1);
    }

    public String topicArn() {
        String arn = configuredTopicArn();
        return arn.isEmpty() ? "arn:aws:sns:" + region() + ":" + account() + ":" + topicName() : arn;
    }

    public boolean snsNotifications() {
        return List.of(settings.get("modelloop.notify.sinks").toLowerCase(Locale.ROOT).split("\\s*,\\s*")).contains("sns");
    }

    /** The SSM prefix, normalised as the parameter store uses it: leading and trailing slash. */
    public String parameterPrefix() {
        return SsmParameterStore.normalise(settings.get("modelloop.parameters.prefix"));
    }

    public boolean ssmParameters() {
        return "ssm".equals(settings.get("modelloop.parameters.store").trim());
    }

    /** The DynamoDB tables the detection and run stores use (one when they share it). */
    public List<String> tables() {
        Set<String> tables = new LinkedHashSet<>();
        if ("dynamodb".equals(settings.get("modelloop.detections.store").trim())) {
            tables.add(settings.get("modelloop.detections.table").trim());
        }
        if ("dynamodb".equals(settings.get("modelloop.runs.store").trim())) {
            tables.add(settings.get("modelloop.runs.table").trim());
        }
        return List.copyOf(tables);
    }

    public boolean rekognitionBackend() {
        return "rekognition".equals(settings.get("modelloop.model.backend").trim());
    }

    public String rekognitionProject() {
        return settings.get("modelloop.rekognition.project").trim();
    }

    public boolean a2iReview() {
        return "a2i".equals(settings.get("modelloop.review.backend").trim());
    }

    public String taskUiName() {
        return settings.get("modelloop.review.a2i.task-ui-name").trim();
    }

    /** The flow definition's name: from its configured ARN when there is one. */
    public String flowDefinitionName() {
        String arn = settings.get("modelloop.review.a2i.flow-definition-arn").trim();
        return arn.isEmpty() ? settings.get("modelloop.review.a2i.flow-definition-name").trim()
                : arn.substring(arn.lastIndexOf('/') + 1);
    }

    /** The region ARNs are built in: modelloop.aws.region, else the SDK's region chain. */
    public String region() {
        if (region == null) {
            String r = settings.get("modelloop.aws.region").trim();
            if (r.isEmpty()) {
                try {
                    r = new DefaultAwsRegionProviderChain().getRegion().id();
                } catch (RuntimeException e) {
                    throw new ConfigurationException("No AWS region: set modelloop.aws.region (MODELLOOP_AWS_REGION) or AWS_REGION");
                }
            }
            region = r;
        }
        return region;
    }

    /** The account ARNs are built in: modelloop.aws.account when set, else STS GetCallerIdentity. */
    public String account() {
        if (account == null) {
            String a = settings.get("modelloop.aws.account").trim();
            account = a.isEmpty() ? call("sts:GetCallerIdentity", "the caller", () -> open(clients.sts()).getCallerIdentity().account()) : a;
        }
        return account;
    }

    // ------------------------------------------------------------------ clients

    public S3Client s3() {
        if (s3 == null) {
            s3 = open(clients.s3(settings.get("modelloop.s3.endpoint")));
        }
        return s3;
    }

    public SqsClient sqs() {
        if (sqs == null) {
            sqs = open(clients.sqs());
        }
        return sqs;
    }

    public SnsClient sns() {
        if (sns == null) {
            sns = open(clients.sns());
        }
        return sns;
    }

    public SsmClient ssm() {
        if (ssm == null) {
            ssm = open(clients.ssm());
        }
        return ssm;
    }

    public DynamoDbClient dynamodb() {
        if (dynamodb == null) {
            dynamodb = open(clients.dynamodb());
        }
        return dynamodb;
    }

    public RekognitionClient rekognition() {
        if (rekognition == null) {
            rekognition = open(RekognitionClients.fromSettings(settings));
        }
        return rekognition;
    }

    public SageMakerClient sagemaker() {
        if (sagemaker == null) {
            sagemaker = open(clients.sagemaker());
        }
        return sagemaker;
    }

    /**
     * Uses this DynamoDB client instead of one built from the settings: DynamoDB Local runs
     * in-process in the tests, without an HTTP endpoint to point modelloop.dynamodb.endpoint at.
     */
    public AwsContext useDynamoDb(DynamoDbClient client) {
        this.dynamodb = client;
        return this;
    }

    private <C extends SdkClient> C open(C client) {
        opened.add(client);
        return client;
    }

    // ------------------------------------------------------------------ calls

    /** Runs one AWS call as IAM action {@code action} on {@code resource}. */
    public <T> T call(String action, String resource, Supplier<T> call) {
        actions.add(action);
        try {
            return call.get();
        } catch (AwsServiceException e) {
            if (isAccessDenied(e)) {
                String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
                throw new AccessRefusedException(action, resource, message, e);
            }
            throw e;
        }
    }

    public void run(String action, String resource, Runnable call) {
        call(action, resource, () -> {
            call.run();
            return null;
        });
    }

    /** Records an IAM action a call needs besides its own (e.g. iam:PassRole of a role handed over). */
    public void requires(String action) {
        actions.add(action);
    }

    static boolean isAccessDenied(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return (code != null && ACCESS_DENIED.contains(code)) || (code == null && e.statusCode() == 403);
    }

    /** The IAM actions called so far, in first-call order. */
    public Set<String> actionsCalled() {
        return Set.copyOf(actions);
    }

    @Override
    public void close() {
        opened.forEach(SdkClient::close);
    }
}
