package io.modelloop.trigger;

import static io.modelloop.detection.S3Events.created;
import static io.modelloop.detection.S3Events.event;
import static io.modelloop.detection.S3Events.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelloop.config.Settings;
import io.modelloop.detection.ObjectVersion;
import io.modelloop.detection.S3Events;
import io.modelloop.testing.ElasticMq;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.LogCapture;
import io.modelloop.testing.StandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Exchange;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * routes/trigger-sqs.yaml on its own (Camel Main with only this file), its aws2-sqs consumer on a
 * real SQS server (ElasticMQ) with a dead-letter queue after two receives, the consumer URI built
 * by SqsTrigger from the modelloop.sqs.* settings as at start-up; a test route on direct:detect
 * stands in for the detection route and passes every record to mock:detect. What the route
 * decides shows in what reaches detection, in what stays on the queues and in the log.
 * One CamelContext for the class: the consumer polls once, each test uses its own keys.
 */
@CamelMainTest(properties = "camel.main.routesIncludePattern=file:routes/trigger-sqs.yaml",
        configurationClasses = SqsTriggerRoutesTest.Beans.class, useJmx = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqsTriggerRoutesTest {

    static final String QUEUE = "s3-events-route";
    static final int MAX_RECEIVE_COUNT = 2;
    static final Duration WAIT = Duration.ofSeconds(20);
    static Path dir;
    static ElasticMq sqs;
    static String queueUrl;
    static String dlqUrl;
    static Settings settings;

    @BeanInject
    CamelContext context;

    @EndpointInject("mock:detect")
    MockEndpoint detect;

    /** What ModelLoop binds and sets for this route when modelloop.trigger=sqs, and the stand-in for the detection route. */
    public static class Beans implements CamelConfiguration {
        @Override
        public void configure(CamelContext camel) throws Exception {
            camel.getRegistry().bind("sqsClient", sqs.client());
            new TriggerConfiguration(settings).configure(camel);
            Triggers.placeholders(settings).forEach(camel.getPropertiesComponent()::addOverrideProperty);
            SqsTrigger.placeholders(settings, sqs.client()).forEach(camel.getPropertiesComponent()::addOverrideProperty);
            camel.addRoutes(StandIn.forDirect("detect"));
        }
    }

    @BeforeAll
    static void startQueue() throws Exception {
        dir = Files.createTempDirectory("sqs-trigger-routes");
        sqs = ElasticMq.start();
        queueUrl = sqs.createQueueWithDlq(QUEUE, MAX_RECEIVE_COUNT, 2);
        dlqUrl = sqs.queueUrl(QUEUE + "-dlq");
        settings = Fixture.localSettings(dir, Map.of(
                "modelloop.trigger", "sqs",
                "modelloop.sqs.endpoint", sqs.endpoint(),
                "modelloop.sqs.queue", QUEUE,
                "modelloop.aws.region", "us-east-1",
                "modelloop.sqs.concurrent-consumers", "1",
                "modelloop.sqs.wait-time-seconds", "1",
                "modelloop.sqs.visibility-timeout-seconds", "2"));
    }

    @AfterAll
    void stopQueue() {
        context.stop(); // before the queue goes: the consumer would log its failed polls
        if (sqs != null) {
            sqs.close();
        }
    }

    /** A test that failed leaves nothing behind for the next one. */
    @BeforeEach
    void emptyQueuesAndDetection() {
        sqs.client().purgeQueue(b -> b.queueUrl(queueUrl));
        sqs.client().purgeQueue(b -> b.queueUrl(dlqUrl));
        detect.reset();
    }

    @Test
    void anS3EventReachesDetectionDecodedAndTheMessageIsDeletedAfterwards() {
        NotifyBuilder done = messages().whenCompleted(2).create();

        sqs.send(queueUrl, S3Events.testEvent("bucket"));
        sqs.send(queueUrl, event(
                record("ObjectCreated:Put", "bucket", "images_for_detection/red+flower%C3%A9.jpg", 2048, "abc", "01"),
                record("ObjectRemoved:Delete", "bucket", "images_for_detection/gone.jpg", 0, "", "02"),
                created("images_labeled_by_folder/cat/outside.jpg")));

        assertThat(done.matches(WAIT.toSeconds(), TimeUnit.SECONDS)).as("both messages processed").isTrue();
        assertThat(handedOff()).containsExactly(new ObjectVersion("bucket", "images_for_detection/red floweré.jpg", "abc", "01",
                2048L, Instant.parse("2026-11-03T12:00:00Z")));
        await().atMost(WAIT).untilAsserted(() -> assertThat(sqs.messagesIn(queueUrl)).as("both deleted").isZero());
        assertThat(sqs.messagesIn(dlqUrl)).isZero();
    }

    @Test
    void aTransientFailureOfOneRecordFailsTheMessageAfterTheOthersRanAndItComesBackUntilDone() {
        String flaky = "images_for_detection/transient-flaky.jpg";
        String fine = "images_for_detection/transient-fine.jpg";
        AtomicInteger failures = new AtomicInteger();
        detect.whenAnyExchangeReceived(e -> {
            if (e.getMessage().getBody(ObjectVersion.class).key().equals(flaky) && failures.getAndIncrement() == 0) {
                throw new IllegalStateException("detection store briefly unavailable");
            }
        });
        NotifyBuilder failed = messages().whenFailed(1).create();
        NotifyBuilder completed = messages().whenCompleted(1).create();

        try (LogCapture log = LogCapture.capture()) {
            sqs.send(queueUrl, event(created(flaky), created(fine)));

            assertThat(failed.matches(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the first receive failed").isTrue();
            assertThat(keysHandedOff()).as("the record after the failed one was still handed off").containsExactly(flaky, fine);
            assertThat(sqs.messagesIn(queueUrl)).as("not deleted").isEqualTo(1);

            assertThat(completed.matches(WAIT.toSeconds(), TimeUnit.SECONDS)).as("delivered again and done").isTrue();
            assertThat(keysHandedOff()).as("the whole message again").containsExactly(flaky, fine, flaky, fine);
            await().atMost(WAIT).untilAsserted(() -> assertThat(sqs.messagesIn(queueUrl)).isZero());
            assertThat(sqs.messagesIn(dlqUrl)).isZero();
            assertThat(log.text()).as("a transient failure is not called unprocessable").doesNotContain("Unprocessable SQS message");
        }
    }

    @Test
    void aMalformedMessageIsLoggedAndLeftOnTheQueueSoTheRedrivePolicyMovesItToTheDeadLetterQueue() {
        String body = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",";
        NotifyBuilder failedTwice = messages().whenFailed(MAX_RECEIVE_COUNT).create();

        try (LogCapture log = LogCapture.capture()) {
            String id = sqs.client().sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)).messageId();

            assertThat(failedTwice.matches(WAIT.toSeconds(), TimeUnit.SECONDS)).as("received and failed twice").isTrue();
            assertThat(log.text()).contains(
                    "ERROR io.modelloop.trigger - Unprocessable SQS message " + id + " (receive 1): Message body is not JSON",
                    "ERROR io.modelloop.trigger - Unprocessable SQS message " + id + " (receive 2): Message body is not JSON",
                    "It is not deleted; the queue's redrive policy moves it to the dead-letter queue after maxReceiveCount receives.");
        }
        assertThat(handedOff()).isEmpty();
        await().atMost(WAIT).untilAsserted(() -> assertThat(sqs.messagesIn(dlqUrl)).isEqualTo(1));
        List<Message> dead = sqs.client().receiveMessage(b -> b.queueUrl(dlqUrl).maxNumberOfMessages(10)).messages();
        assertThat(dead).extracting(Message::body).as("intact in the dead-letter queue").containsExactly(body);
        assertThat(sqs.messagesIn(queueUrl)).isZero();
        sqs.client().deleteMessage(b -> b.queueUrl(dlqUrl).receiptHandle(dead.get(0).receiptHandle()));
    }

    /** Counts whole SQS messages: the route's own exchanges, not the split's sub-exchange of each record. */
    NotifyBuilder messages() {
        return new NotifyBuilder(context).fromRoute(SqsTrigger.ROUTE_ID).filter(e -> e.getProperty(Exchange.CORRELATION_ID) == null);
    }

    List<ObjectVersion> handedOff() {
        return detect.getReceivedExchanges().stream().map(e -> e.getMessage().getBody(ObjectVersion.class)).toList();
    }

    List<String> keysHandedOff() {
        return handedOff().stream().map(ObjectVersion::key).toList();
    }
}
