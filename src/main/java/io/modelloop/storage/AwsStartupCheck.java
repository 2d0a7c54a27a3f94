package io.modelloop.storage;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import java.net.ConnectException;
import java.net.UnknownHostException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.SnsException;

/**
 * The aws profile's first calls, made before anything else starts, so that missing credentials, an
 * endpoint that cannot be reached, a missing bucket or topic end start-up with one line saying what
 * is missing and how to provide it, rather than an SDK stack trace from deep inside Camel.
 */
public final class AwsStartupCheck {

    static final String CREDENTIALS_HINT = "give them through the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY),"
            + " a profile (AWS_PROFILE, ~/.aws/credentials or aws sso login), or on EKS an IRSA role"
            + " (eks.amazonaws.com/role-arn on the service account)";

    private AwsStartupCheck() {
    }

    /** HeadBucket on the configured bucket. */
    public static void bucket(Settings s, S3Client s3) {
        String bucket = s.bucket();
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            throw missingBucket(bucket);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw missingBucket(bucket);
            }
            if (e.statusCode() == 403) {
                throw new ConfigurationException("Access to the S3 bucket " + bucket + " (modelloop.bucket) was refused (403):"
                        + " grant the role the policy `modelloop iam-policy` prints, or check the bucket's region"
                        + " (modelloop.aws.region / AWS_REGION)");
            }
            throw explain(e, "S3", "modelloop.s3.endpoint", s.get("modelloop.s3.endpoint"));
        } catch (SdkException e) {
            throw explain(e, "S3", "modelloop.s3.endpoint", s.get("modelloop.s3.endpoint"));
        }
    }

    /** GetTopicAttributes on the topic notifications go to, when SNS is one of the sinks. */
    public static void topic(Settings s, SnsClient sns) {
        String arn = s.get("modelloop.notify.sns.topic-arn").strip();
        if (arn.isEmpty()) {
            return; // the sink's own configuration check names the missing ARN
        }
        try {
            sns.getTopicAttributes(b -> b.topicArn(arn));
        } catch (NotFoundException e) {
            throw missingTopic(arn);
        } catch (SnsException e) {
            if (e.statusCode() == 404) {
                throw missingTopic(arn);
            }
            throw explain(e, "SNS", "modelloop.notify.sns.endpoint", s.get("modelloop.notify.sns.endpoint"));
        } catch (SdkException e) {
            throw explain(e, "SNS", "modelloop.notify.sns.endpoint", s.get("modelloop.notify.sns.endpoint"));
        }
    }

    private static ConfigurationException missingTopic(String arn) {
        return new ConfigurationException("The SNS topic " + arn + " (modelloop.notify.sns.topic-arn) does not exist:"
                + " create it with `modelloop bootstrap --profile aws`, or set modelloop.notify.sns.topic-arn"
                + " (MODELLOOP_NOTIFY_SNS_TOPIC_ARN)");
    }

    private static ConfigurationException missingBucket(String bucket) {
        return new ConfigurationException("The S3 bucket " + bucket + " (modelloop.bucket) does not exist: create it with"
                + " `modelloop bootstrap --profile aws`, or set modelloop.bucket (MODELLOOP_BUCKET)");
    }

    /** One line for an SDK failure: missing credentials, an unreachable endpoint, or the service's own error. */
    public static ConfigurationException explain(SdkException e, String service, String endpointKey, String endpoint) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof SdkClientException && message.contains("Unable to load credentials")) {
            return new ConfigurationException("No AWS credentials found for the aws profile: " + CREDENTIALS_HINT);
        }
        Throwable cause = e;
        while (cause != null && !(cause instanceof UnknownHostException || cause instanceof ConnectException)) {
            cause = cause.getCause();
        }
        if (cause != null || e instanceof SdkClientException) {
            String where = endpoint == null || endpoint.isBlank() ? "its regional endpoint" : endpoint;
            return new ConfigurationException("Cannot reach " + service + " at " + where + " ("
                    + firstLine(cause != null ? cause.toString() : message) + "): check " + endpointKey + " ("
                    + Settings.envName(endpointKey) + "), modelloop.aws.region (AWS_REGION) and the network");
        }
        return new ConfigurationException(service + " refused the start-up check: " + firstLine(message));
    }

    private static String firstLine(String s) {
        String line = s == null ? "" : s.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
