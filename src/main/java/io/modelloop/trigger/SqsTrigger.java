package io.modelloop.trigger;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.detection.PermanentEventException;
import java.util.Map;
import org.apache.camel.Header;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * What the aws-profile trigger route (routes/trigger-sqs.yaml, SPEC 4.1) needs beyond its steps:
 * the queue's consumer URI from the modelloop.sqs.* settings (checked, the queue URL resolved
 * with GetQueueUrl at start-up), a warning when the queue has no redrive policy, and the receive
 * count of a message for the log of an unprocessable one.
 *
 * <p>Acknowledgement is the SQS consumer's: a message is deleted only when its exchange
 * completes without failure, i.e. after every record in it was handed off and the detection
 * route returned normally, which is after each record's detection was committed to the store
 * (durably: a kill -9 after the delete loses nothing, DetectionCrashTest). A transient failure of any record fails the exchange (no
 * {@code handled(true)} anywhere), so the message becomes visible again after the visibility
 * timeout and is delivered again; records already done are answered by the detection route's
 * idempotency. A message that can never be processed ({@link PermanentEventException}) is
 * logged at ERROR and also left to fail: the queue's redrive policy moves it to the dead-letter
 * queue after maxReceiveCount receives. A queue without a redrive policy would redeliver such a
 * message forever, so start-up warns about one.
 *
 * <p>Long detections: {@code extendMessageVisibility} keeps the message hidden while it is
 * worked on. Several pods may consume the same queue; SQS spreads the messages.
 */
public final class SqsTrigger {

    public static final String ROUTE_ID = "s3-events-sqs";
    private static final Logger LOG = LoggerFactory.getLogger(SqsTrigger.class);

    private SqsTrigger() {
    }

    /**
     * The route's placeholder modelloop.trigger.sqs.uri: the consumer URI of the configured queue,
     * after checking that it exists and warning when it has no redrive policy.
     */
    public static Map<String, String> placeholders(Settings settings, SqsClient sqs) {
        String queueUrl = queueUrl(settings, sqs);
        warnWithoutRedrivePolicy(sqs, queueUrl);
        return Map.of("modelloop.trigger.sqs.uri", endpointUri(settings, queueUrl));
    }

    /** The queue's name: the last part of modelloop.sqs.queue-url when set, else modelloop.sqs.queue. */
    static String queueName(Settings s) {
        String queueUrl = s.get("modelloop.sqs.queue-url").trim();
        String queue = s.get("modelloop.sqs.queue").trim();
        if (!queueUrl.isEmpty()) {
            String path = queueUrl.replaceAll("/+$", "");
            queue = path.substring(path.lastIndexOf('/') + 1);
        }
        if (queue.isEmpty()) {
            throw new ConfigurationException("modelloop.trigger=sqs needs modelloop.sqs.queue-url or modelloop.sqs.queue"
                    + " (environment MODELLOOP_SQS_QUEUE_URL / MODELLOOP_SQS_QUEUE)");
        }
        return queue;
    }

    /**
     * The queue's URL: modelloop.sqs.queue-url, else GetQueueUrl of the name. Given only a name,
     * camel-aws2-sqs would look the URL up with ListQueues, an action the IAM policy does not
     * grant (and need not: ListQueues cannot be narrowed to one queue).
     */
    static String queueUrl(Settings s, SqsClient sqs) {
        String configured = s.get("modelloop.sqs.queue-url").trim();
        if (!configured.isEmpty()) {
            return configured;
        }
        String name = queueName(s);
        try {
            return sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
        } catch (SqsException e) {
            // JSON-protocol SQS answers QueueDoesNotExist; query-compatible servers the older NonExistentQueue
            String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
            if (!(e instanceof QueueDoesNotExistException) && !code.contains("NonExistentQueue")) {
                throw e;
            }
            throw new ConfigurationException("The SQS queue " + name + " (modelloop.sqs.queue) does not exist: create it with"
                    + " `modelloop bootstrap --profile aws`, or set modelloop.sqs.queue-url (MODELLOOP_SQS_QUEUE_URL)");
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            throw io.modelloop.storage.AwsStartupCheck.explain(e, "SQS", "modelloop.sqs.endpoint", s.get("modelloop.sqs.endpoint"));
        }
    }

    /** The aws2-sqs consumer URI for the queue at {@code queueUrl}, from the modelloop.sqs.* settings. */
    static String endpointUri(Settings s, String queueUrl) {
        String queue = queueName(s);
        int consumers = positive(s, "modelloop.sqs.concurrent-consumers");
        int visibility = positive(s, "modelloop.sqs.visibility-timeout-seconds");
        int wait = s.getInt("modelloop.sqs.wait-time-seconds");
        if (wait < 0 || wait > 20) {
            throw new ConfigurationException("modelloop.sqs.wait-time-seconds must be 0 to 20, got " + wait);
        }
        int maxMessages = positive(s, "modelloop.sqs.max-messages-per-poll");
        StringBuilder uri = new StringBuilder("aws2-sqs://").append(queue)
                .append("?amazonSQSClient=#sqsClient")
                .append("&autoCreateQueue=false")
                .append("&concurrentConsumers=").append(consumers)
                .append("&maxMessagesPerPoll=").append(maxMessages)
                .append("&waitTimeSeconds=").append(wait)
                // poll again at once while messages arrive: without it every consumer sleeps the
                // scheduler's delay (500 ms) after each batch, which capped the detection rate
                // (bench/pipeline.sh); an empty queue is still waited on by the long poll
                .append("&greedy=true")
                .append("&visibilityTimeout=").append(visibility)
                .append("&extendMessageVisibility=true")
                .append("&deleteAfterRead=true&deleteIfFiltered=true")
                .append("&attributeNames=ApproximateReceiveCount")
                .append("&queueUrl=RAW(").append(queueUrl).append(')');
        return uri.toString();
    }

    private static int positive(Settings s, String key) {
        int v = s.getInt(key);
        if (v < 1) {
            throw new ConfigurationException(key + " must be at least 1, got " + v);
        }
        return v;
    }

    /** How often SQS delivered this message (its attribute keys are SDK enums, so simple cannot pick it). */
    public static String receiveCount(@Header(Sqs2Constants.ATTRIBUTES) Map<?, ?> attributes) {
        if (attributes != null) {
            for (Map.Entry<?, ?> e : attributes.entrySet()) {
                if (String.valueOf(e.getKey()).equals("ApproximateReceiveCount")) {
                    return String.valueOf(e.getValue());
                }
            }
        }
        return "?";
    }

    private static void warnWithoutRedrivePolicy(SqsClient sqs, String queueUrl) {
        try {
            GetQueueAttributesResponse r = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                    .attributeNames(QueueAttributeName.REDRIVE_POLICY));
            String policy = r.attributes().get(QueueAttributeName.REDRIVE_POLICY);
            if (policy == null || policy.isBlank()) {
                LOG.warn("SQS queue {} has no redrive policy: a message that cannot be processed is delivered again"
                        + " forever. Give it a dead-letter queue (the bootstrap command does).", queueUrl);
            } else {
                LOG.info("S3 events from SQS queue {} (redrive policy {})", queueUrl, policy);
            }
        } catch (RuntimeException ex) {
            LOG.warn("Could not read the redrive policy of the S3 event queue: {}", ex.getMessage());
        }
    }
}
