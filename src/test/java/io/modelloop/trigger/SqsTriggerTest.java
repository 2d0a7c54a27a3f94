package io.modelloop.trigger;

import static io.modelloop.detection.S3Events.created;
import static io.modelloop.detection.S3Events.event;
import static io.modelloop.detection.S3Events.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelloop.ModelLoop;
import io.modelloop.detection.ObjectVersion;
import io.modelloop.detection.S3Events;
import io.modelloop.testing.DetectRecorder;
import io.modelloop.testing.ElasticMq;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The SQS trigger against a real SQS server (ElasticMQ) and a real local ModelLoop whose
 * trigger is switched to sqs; a recording route stands in for the detection route.
 */
class SqsTriggerTest {

    private static final String QUEUE = "s3-events";
    private static final int MAX_RECEIVE_COUNT = 2;

    @TempDir
    static Path data;
    private static ElasticMq sqs;
    private static String queueUrl;
    private static String dlqUrl;
    private static ModelLoop loop;
    private static DetectRecorder recorder;
    private static LogCapture log;
    private static String oldKey;
    private static String oldSecret;

    @BeforeAll
    static void start() throws Exception {
        oldKey = System.setProperty("aws.accessKeyId", "test");
        oldSecret = System.setProperty("aws.secretAccessKey", "test");
        sqs = ElasticMq.start();
        queueUrl = sqs.createQueueWithDlq(QUEUE, MAX_RECEIVE_COUNT, 30);
        dlqUrl = sqs.queueUrl(QUEUE + "-dlq");
        log = LogCapture.capture();
        loop = Fixture.startLocal(data, Map.of(
                "modelloop.trigger", "sqs",
                "modelloop.sqs.endpoint", sqs.endpoint(),
                "modelloop.sqs.queue", QUEUE,
                "modelloop.aws.region", "us-east-1",
                "modelloop.sqs.concurrent-consumers", "2",
                "modelloop.sqs.max-messages-per-poll", "1",
                "modelloop.sqs.wait-time-seconds", "1",
                "modelloop.sqs.visibility-timeout-seconds", "2"));
        recorder = DetectRecorder.install(loop.camel());
    }

    @AfterAll
    static void stop() {
        if (loop != null) {
            loop.close();
        }
        if (log != null) {
            log.close();
        }
        if (sqs != null) {
            sqs.close();
        }
        restore("aws.accessKeyId", oldKey);
        restore("aws.secretAccessKey", oldSecret);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @BeforeEach
    void reset() {
        recorder.failWhen(v -> false);
        recorder.whileProcessing(() -> { });
    }

    private static void awaitQueueEmpty() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(sqs.messagesIn(queueUrl)).isZero());
    }

    /** Sends a message with one record and waits for it: everything sent before it has been consumed. */
    private static void sendSentinelAndWait(String key) {
        sqs.send(queueUrl, event(created(key)));
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.deliveredKeys().contains(key));
        awaitQueueEmpty();
    }

    @Test
    void theRouteRunsUnderItsIdAndPollsWithTheConfiguredConsumers() {
        Route route = loop.camel().getRoute(SqsTrigger.ROUTE_ID);
        assertThat(route).isNotNull();
        assertThat(route.getEndpoint().getEndpointUri()).contains("concurrentConsumers=2", "greedy=true", "extendMessageVisibility=true",
                "visibilityTimeout=2");
        assertThat(loop.camel().getRoute(PollingTrigger.ROUTE_ID)).isNull();
    }

    @Test
    void everyRecordOfAMessageIsHandedToDetectionThenTheMessageIsDeleted() {
        sqs.send(queueUrl, event(
                record("ObjectCreated:Put", "bucket", "images_for_detection/multi-a.jpg", 100, "aaa", "01"),
                record("ObjectCreated:Put", "bucket", "images_for_detection/multi-b.png", 200, "bbb", "02"),
                record("ObjectCreated:CompleteMultipartUpload", "bucket", "images_for_detection/multi-c.jpg", 300, "ccc-2", "03")));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(recorder.deliveredKeys())
                .contains("images_for_detection/multi-a.jpg", "images_for_detection/multi-b.png", "images_for_detection/multi-c.jpg"));
        awaitQueueEmpty();
        ObjectVersion b = recorder.delivered().stream().filter(v -> v.key().endsWith("multi-b.png")).findFirst().orElseThrow();
        assertThat(b).isEqualTo(new ObjectVersion("bucket", "images_for_detection/multi-b.png", "bbb", "02", 200L,
                java.time.Instant.parse("2026-11-03T12:00:00Z")));
        assertThat(recorder.attempts("images_for_detection/multi-a.jpg")).isEqualTo(1);
    }

    @Test
    void messagesWithNothingToDoAreAcknowledgedWithoutDetection() {
        int before = recorder.delivered().size();
        sqs.send(queueUrl, S3Events.testEvent("bucket"));
        sqs.send(queueUrl, event(record("ObjectRemoved:Delete", "bucket", "images_for_detection/removed.jpg", 0, "", "05")));
        sqs.send(queueUrl, event(created("images_labeled_by_folder/rose/outside.jpg"), created("manifests/outside.manifest")));
        sqs.send(queueUrl, event(record("ObjectCreated:Put", "bucket", "images_for_detection/", 0, "d41d8cd98f00b204e9800998ecf8427e", "06"),
                record("ObjectCreated:Put", "bucket", "images_for_detection/empty.jpg", 0, "d41d8cd98f00b204e9800998ecf8427e", "07")));

        sendSentinelAndWait("images_for_detection/after-nothing-to-do.jpg");

        assertThat(recorder.deliveredKeys().subList(before, recorder.delivered().size()))
                .containsExactly("images_for_detection/after-nothing-to-do.jpg");
        assertThat(sqs.messagesIn(dlqUrl)).isZero();
    }

    @Test
    void encodedKeysArriveDecoded() {
        sqs.send(queueUrl, event(created("images_for_detection/red+flower.jpg"), created("images_for_detection/1%2B1.jpg"),
                created("images_for_detection/caf%C3%A9%20noir.png")));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(recorder.deliveredKeys())
                .contains("images_for_detection/red flower.jpg", "images_for_detection/1+1.jpg", "images_for_detection/café noir.png"));
        awaitQueueEmpty();
    }

    @Test
    void anSnsWrappedEventIsUnwrapped() {
        sqs.send(queueUrl, S3Events.snsEnvelope(event(created("images_for_detection/via+sns.jpg"))));

        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.deliveredKeys().contains("images_for_detection/via sns.jpg"));
        awaitQueueEmpty();
    }

    @Test
    void aTransientFailureLeavesTheMessageWhichIsDeliveredAgainAndThenDeleted() {
        String ok = "images_for_detection/transient-ok.jpg";
        String flaky = "images_for_detection/transient-flaky.jpg";
        AtomicInteger failures = new AtomicInteger();
        recorder.failWhen(v -> v.key().equals(flaky) && failures.getAndIncrement() == 0);

        sqs.send(queueUrl, event(created("images_for_detection/transient-ok.jpg"), created("images_for_detection/transient-flaky.jpg")));

        // first receive: ok handed off, flaky failed -> the message stays; second receive: both again
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.deliveredKeys().contains(flaky));
        awaitQueueEmpty();
        assertThat(recorder.attempts(flaky)).isEqualTo(2);
        assertThat(recorder.attempts(ok)).as("the whole message was delivered again").isEqualTo(2);
        assertThat(sqs.messagesIn(dlqUrl)).isZero();
    }

    @Test
    void aMalformedMessageEndsInTheDeadLetterQueueAfterMaxReceiveCount() {
        String body = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",";
        String id = sqs.client().sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)).messageId();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(sqs.messagesIn(dlqUrl)).isEqualTo(1));
        List<Message> dead = sqs.client().receiveMessage(b -> b.queueUrl(dlqUrl).maxNumberOfMessages(10)).messages();
        assertThat(dead).extracting(Message::body).containsExactly(body);
        awaitQueueEmpty();
        String text = log.text();
        int received = text.split("Unprocessable SQS message " + id, -1).length - 1;
        assertThat(received).as("receives logged before the redrive").isEqualTo(MAX_RECEIVE_COUNT);
        assertThat(text).contains("dead-letter queue");
        sqs.client().deleteMessage(b -> b.queueUrl(dlqUrl).receiptHandle(dead.get(0).receiptHandle()));
    }

    @Test
    void twoConsumersProcessTwoMessagesAtTheSameTime() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        Map<String, Boolean> seen = new ConcurrentHashMap<>();
        recorder.whileProcessing(() -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                // hold the first message until a second one is being processed too (or give up)
                await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(20)).until(() -> maxInFlight.get() >= 2);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // one consumer only: the test's assertion below reports it
            } finally {
                inFlight.decrementAndGet();
            }
        });
        sqs.send(queueUrl, event(created("images_for_detection/parallel-1.jpg")));
        sqs.send(queueUrl, event(created("images_for_detection/parallel-2.jpg")));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(recorder.deliveredKeys())
                .contains("images_for_detection/parallel-1.jpg", "images_for_detection/parallel-2.jpg"));
        assertThat(maxInFlight.get()).isEqualTo(2);
        awaitQueueEmpty();
    }
}
