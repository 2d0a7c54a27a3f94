package io.modelloop.trigger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.modelloop.detection.S3Events.created;
import static io.modelloop.detection.S3Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.modelloop.ModelLoop;
import io.modelloop.config.Settings;
import io.modelloop.provision.AwsContext;
import io.modelloop.provision.IamPolicy;
import io.modelloop.testing.DetectRecorder;
import io.modelloop.testing.ElasticMq;
import io.modelloop.testing.Fixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQS calls the SQS trigger makes, recorded by a WireMock proxy in front of ElasticMQ (the
 * application's SQS endpoint is the proxy; the test sends its messages to ElasticMQ directly).
 * With the queue given by name, camel-aws2-sqs would look the URL up with ListQueues, which the
 * printed IAM policy does not grant: the trigger resolves it with GetQueueUrl and hands Camel
 * the URL.
 */
class SqsTriggerCallsTest {

    private static final String QUEUE = "calls-events";

    @TempDir
    Path data;
    private ElasticMq sqs;
    private WireMockServer proxy;
    private ModelLoop loop;
    private String oldKey;
    private String oldSecret;

    @BeforeEach
    void start() {
        oldKey = System.setProperty("aws.accessKeyId", "test");
        oldSecret = System.setProperty("aws.secretAccessKey", "test");
        sqs = ElasticMq.start();
        proxy = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        proxy.start();
        proxy.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(sqs.endpoint())));
    }

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.close();
        }
        proxy.stop();
        sqs.close();
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

    private static Map<String, String> trigger(String endpoint) {
        return Map.of("modelloop.trigger", "sqs", "modelloop.sqs.endpoint", endpoint, "modelloop.sqs.queue", QUEUE,
                "modelloop.aws.region", "us-east-1", "modelloop.sqs.concurrent-consumers", "2",
                "modelloop.sqs.wait-time-seconds", "1", "modelloop.sqs.visibility-timeout-seconds", "5");
    }

    /** The IAM actions of the SQS requests the proxy saw (JSON protocol: X-Amz-Target AmazonSQS.Action). */
    private Set<String> sqsActionsCalled() {
        return proxy.getAllServeEvents().stream()
                .map(e -> e.getRequest().getHeader("X-Amz-Target"))
                .map(t -> "sqs:" + t.substring(t.indexOf('.') + 1))
                .collect(Collectors.toSet());
    }

    /** The SQS actions of the runtime policy `iam-policy` prints for the same trigger and queue. */
    private static Set<String> sqsActionsGranted() {
        Map<String, String> o = new HashMap<>(trigger("http://unused"));
        o.put("camel.main.profile", "aws");
        o.put("modelloop.aws.account", "123456789012");
        o.put("modelloop.bucket", "modelloop");
        try (AwsContext aws = new AwsContext(Settings.load(Path.of("config"), o))) {
            return new IamPolicy(aws).runtime().stream().flatMap(s -> s.actions().stream())
                    .filter(a -> a.startsWith("sqs:")).collect(Collectors.toSet());
        }
    }

    @Test
    void aQueueGivenByNameIsResolvedWithGetQueueUrlAndNeverListedAndEveryCallIsInThePolicy() throws Exception {
        String url = sqs.createQueueWithDlq(QUEUE, 3, 5);
        loop = Fixture.startLocal(data, trigger(proxy.baseUrl()));
        DetectRecorder recorder = DetectRecorder.install(loop.camel());

        sqs.send(url, event(created("images_for_detection/calls-1.jpg"), created("images_for_detection/calls-2.png")));

        await().atMost(Duration.ofSeconds(30)).until(() -> recorder.deliveredKeys()
                .containsAll(List.of("images_for_detection/calls-1.jpg", "images_for_detection/calls-2.png")));
        await().atMost(Duration.ofSeconds(30)).until(() -> sqs.messagesIn(url) == 0);

        Set<String> called = sqsActionsCalled();
        assertThat(called).doesNotContain("sqs:ListQueues")
                .contains("sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:DeleteMessage");
        assertThat(sqsActionsGranted()).containsAll(called);
    }

    @Test
    void aQueueThatDoesNotExistStopsStartUpNamingItAndHowToCreateIt() {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> loop = Fixture.startLocal(data, trigger(proxy.baseUrl())));
        assertThat(thrown).as("start-up stops").isNotNull();
        Throwable root = thrown;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertThat(root).hasMessageContaining(QUEUE).hasMessageContaining("bootstrap");
        assertThat(sqsActionsCalled()).doesNotContain("sqs:ListQueues");
    }
}
