package io.modelloop.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * An SQS queue: the dead-letter queue (messages kept 14 days, the longest SQS allows, so there is
 * time to look at them), or the event queue with a redrive policy to it and a policy letting S3
 * send the bucket's notifications (and only that bucket's: aws:SourceArn, aws:SourceAccount).
 */
final class QueueResource implements AwsResource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FOURTEEN_DAYS = Integer.toString(14 * 24 * 3600);

    private final AwsContext aws;
    private final String name;
    /** Null for the dead-letter queue itself. */
    private final QueueResource deadLetterQueue;
    private String arn;

    private QueueResource(AwsContext aws, String name, QueueResource deadLetterQueue) {
        this.aws = aws;
        this.name = name;
        this.deadLetterQueue = deadLetterQueue;
    }

    static QueueResource deadLetter(AwsContext aws) {
        return new QueueResource(aws, aws.deadLetterQueueName(), null);
    }

    static QueueResource events(AwsContext aws, QueueResource deadLetterQueue) {
        return new QueueResource(aws, aws.queueName(), deadLetterQueue);
    }

    @Override
    public String describe() {
        return (deadLetterQueue == null ? "SQS dead-letter queue " : "SQS queue ") + name;
    }

    /** The queue's ARN as SQS reports it (after ensure). */
    Supplier<String> arn() {
        return () -> {
            if (arn == null) {
                throw new IllegalStateException("queue " + name + " not ensured yet");
            }
            return arn;
        };
    }

    private String resource() {
        return "queue " + name;
    }

    @Override
    public Outcome ensure() {
        String url = url();
        if (url == null) {
            url = aws.call("sqs:CreateQueue", resource(), () -> aws.sqs().createQueue(b -> b.queueName(name)).queueUrl());
            arn = queueArn(url);
            setAttributes(url, wanted());
            return Outcome.created().note(note());
        }
        arn = queueArn(url);
        String u = url;
        Map<QueueAttributeName, String> current = aws.call("sqs:GetQueueAttributes", resource(), () -> aws.sqs().getQueueAttributes(
                b -> b.queueUrl(u).attributeNames(QueueAttributeName.ALL)).attributes());
        Map<QueueAttributeName, String> differing = new HashMap<>();
        wanted().forEach((k, v) -> {
            if (!sameValue(k, v, current.get(k))) {
                differing.put(k, v);
            }
        });
        if (differing.isEmpty()) {
            return Outcome.exists().note(note());
        }
        setAttributes(url, differing);
        return Outcome.updated().note(note());
    }

    private String note() {
        return deadLetterQueue == null ? "" : "redrive to " + deadLetterQueue.name + " after " + aws.maxReceiveCount()
                + " receives; S3 of bucket " + aws.bucket() + " may send";
    }

    private void setAttributes(String url, Map<QueueAttributeName, String> attributes) {
        aws.run("sqs:SetQueueAttributes", resource(), () -> aws.sqs().setQueueAttributes(b -> b.queueUrl(url).attributes(attributes)));
    }

    /** JSON attributes are compared as JSON: SQS may reformat them (e.g. maxReceiveCount as a number). */
    private static boolean sameValue(QueueAttributeName name, String wanted, String current) {
        if (current == null) {
            return false;
        }
        if (name == QueueAttributeName.REDRIVE_POLICY || name == QueueAttributeName.POLICY) {
            try {
                return normalised(JSON.readTree(wanted)).equals(normalised(JSON.readTree(current)));
            } catch (Exception e) {
                return false;
            }
        }
        return wanted.equals(current);
    }

    /** Numbers and numeric strings compare equal (SQS answers maxReceiveCount either way). */
    private static JsonNode normalised(JsonNode n) {
        if (n.isObject()) {
            ObjectNode o = JSON.createObjectNode();
            n.fields().forEachRemaining(e -> o.set(e.getKey(), normalised(e.getValue())));
            return o;
        }
        if (n.isArray()) {
            var a = JSON.createArrayNode();
            n.forEach(x -> a.add(normalised(x)));
            return a;
        }
        return n.isNumber() ? JSON.getNodeFactory().textNode(n.asText()) : n;
    }

    private Map<QueueAttributeName, String> wanted() {
        Map<QueueAttributeName, String> m = new HashMap<>();
        if (deadLetterQueue == null) {
            m.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, FOURTEEN_DAYS);
            return m;
        }
        ObjectNode redrive = JSON.createObjectNode();
        redrive.put("deadLetterTargetArn", deadLetterQueue.arn().get());
        redrive.put("maxReceiveCount", Integer.toString(aws.maxReceiveCount()));
        m.put(QueueAttributeName.REDRIVE_POLICY, redrive.toString());
        m.put(QueueAttributeName.POLICY, policy());
        return m;
    }

    private String policy() {
        ObjectNode p = JSON.createObjectNode();
        p.put("Version", "2012-10-17");
        ObjectNode s = p.putArray("Statement").addObject();
        s.put("Sid", "ModelLoopBucketNotifications");
        s.put("Effect", "Allow");
        s.putObject("Principal").put("Service", "s3.amazonaws.com");
        s.put("Action", "sqs:SendMessage");
        s.put("Resource", arn);
        ObjectNode condition = s.putObject("Condition");
        condition.putObject("ArnEquals").put("aws:SourceArn", aws.bucketArn());
        // a bucket name can be taken by another account after deletion: pin the owner too
        condition.putObject("StringEquals").put("aws:SourceAccount", arn.split(":")[4]);
        return p.toString();
    }

    private String queueArn(String url) {
        return aws.call("sqs:GetQueueAttributes", resource(), () -> aws.sqs().getQueueAttributes(
                b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN));
    }

    private String url() {
        try {
            return aws.call("sqs:GetQueueUrl", resource(), () -> aws.sqs().getQueueUrl(b -> b.queueName(name)).queueUrl());
        } catch (QueueDoesNotExistException e) {
            return null;
        } catch (SqsException e) {
            String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
            if (code.contains("NonExistentQueue") || code.contains("QueueDoesNotExist")) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public Outcome remove() {
        String url = url();
        if (url == null) {
            return Outcome.notFound();
        }
        aws.run("sqs:DeleteQueue", resource(), () -> aws.sqs().deleteQueue(b -> b.queueUrl(url)));
        return Outcome.deleted();
    }
}
