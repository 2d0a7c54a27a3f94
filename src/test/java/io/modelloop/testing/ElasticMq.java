package io.modelloop.testing;

import java.net.URI;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** An in-process SQS server (ElasticMQ) on a free loopback port, with a client for the test's own calls. */
public final class ElasticMq implements AutoCloseable {

    private final SQSRestServer server;
    private final String endpoint;
    private final SqsClient client;

    private ElasticMq() {
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        int port = server.waitUntilStarted().localAddress().getPort();
        endpoint = "http://127.0.0.1:" + port;
        client = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    public static ElasticMq start() {
        return new ElasticMq();
    }

    public String endpoint() {
        return endpoint;
    }

    public SqsClient client() {
        return client;
    }

    /** Creates a dead-letter queue NAME-dlq and NAME redriving to it after maxReceiveCount receives; returns NAME's URL. */
    public String createQueueWithDlq(String name, int maxReceiveCount, int visibilityTimeoutSeconds) {
        String dlqUrl = client.createQueue(b -> b.queueName(name + "-dlq")).queueUrl();
        String dlqArn = client.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        return client.createQueue(b -> b.queueName(name).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds),
                QueueAttributeName.REDRIVE_POLICY,
                "{\"maxReceiveCount\":\"" + maxReceiveCount + "\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}"))).queueUrl();
    }

    public String queueUrl(String name) {
        return client.getQueueUrl(b -> b.queueName(name)).queueUrl();
    }

    /** Visible plus in-flight (received, not yet deleted) messages. */
    public int messagesIn(String queueUrl) {
        Map<QueueAttributeName, String> a = client.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().mapToInt(Integer::parseInt).sum();
    }

    public void send(String queueUrl, String body) {
        client.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
    }

    @Override
    public void close() {
        client.close();
        server.stopAndWait();
    }
}
