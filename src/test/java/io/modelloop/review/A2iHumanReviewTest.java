package io.modelloop.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.modelloop.config.Settings;
import io.modelloop.detection.HumanLoop;
import io.modelloop.storage.AwsClients;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemakera2iruntime.SageMakerA2IRuntimeClient;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


/**
 * The A2I review backend against WireMock speaking the A2I runtime's REST-JSON protocol
 * (POST /human-loops, GET /human-loops/{name}, GET /human-loops?...): what StartHumanLoop
 * sends, how answers and errors map, and the bounded retries of throttling. The client is built
 * by the production factory (AwsClients.a2iRuntime) with 3 attempts and a 5 ms back-off base,
 * credentials from the default chain (dummy system properties, restored afterwards).
 */
class A2iHumanReviewTest {

    static final String FLOW = "arn:aws:sagemaker:us-east-1:123456789012:flow-definition/modelloop-review";
    static final String LOOP_ARN = "arn:aws:sagemaker:us-east-1:123456789012:human-loop/review-det-0001";
    static final ObjectMapper JSON = new ObjectMapper();

    static WireMockServer wm;
    static String previousKey;
    static String previousSecret;

    SageMakerA2IRuntimeClient client;
    A2iHumanReview review;

    @BeforeAll
    static void startWireMock() {
        previousKey = System.getProperty("aws.accessKeyId");
        previousSecret = System.getProperty("aws.secretAccessKey");
        System.setProperty("aws.accessKeyId", "AKIATESTONLYDUMMY000");
        System.setProperty("aws.secretAccessKey", "dummy-secret-key-for-tests-only-0000000");
        wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
    }

    @AfterAll
    static void stopWireMock() {
        wm.stop();
        restore("aws.accessKeyId", previousKey);
        restore("aws.secretAccessKey", previousSecret);
    }

    static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @BeforeEach
    void newBackend() {
        wm.resetAll();
        Settings settings = Settings.load(Path.of("config"), Map.of(
                "camel.main.profile", "aws", "modelloop.bucket", "b", "modelloop.aws.region", "us-east-1",
                "modelloop.review.backend", "a2i", "modelloop.review.a2i.flow-definition-arn", FLOW,
                "modelloop.review.a2i.endpoint", wm.baseUrl(),
                "modelloop.review.a2i.retry.attempts", "3", "modelloop.review.a2i.retry.base-delay-ms", "5"));
        client = new AwsClients(settings).a2iRuntime();
        review = new A2iHumanReview(client, settings.require("modelloop.review.a2i.flow-definition-arn"));
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    static HumanLoop loop() {
        return HumanLoop.builder().name("review-det-0001").source(HumanLoop.A2I_WORKFLOW).detectionId("det-0001")
                .detectedLabel("cat").confidence(41.5).imageUri("s3://bucket/images_for_detection/red flower.jpg")
                .labels(List.of("cat", "dog")).status(HumanLoop.Status.OPEN)
                .createdAt(Instant.parse("2026-01-02T03:04:05Z"))
                .build();
    }

    static ResponseDefinitionBuilder error(int status, String type, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withHeader("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazonaws.sagemaker.a2i/")
                .withBody("{\"message\":\"" + message + "\"}");
    }

    static ResponseDefinitionBuilder ok(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    @Test
    void startSendsTheLoopNameFlowInputAndDataAttributesAndReportsStarted() throws Exception {
        wm.stubFor(post(urlEqualTo("/human-loops")).willReturn(ok("{\"HumanLoopArn\":\"" + LOOP_ARN + "\"}")));

        A2iHumanReview.Started started = review.startLoop(loop());

        assertThat(started.result()).isEqualTo(HumanReview.StartResult.STARTED);
        assertThat(started.humanLoopArn()).isEqualTo(LOOP_ARN);
        var requests = wm.findAll(postRequestedFor(urlEqualTo("/human-loops")));
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getHeader("Authorization")).contains("/us-east-1/sagemaker/aws4_request");
        JsonNode body = JSON.readTree(requests.get(0).getBodyAsString());
        assertThat(body.path("HumanLoopName").asText()).isEqualTo("review-det-0001");
        assertThat(body.path("FlowDefinitionArn").asText()).isEqualTo(FLOW);
        assertThat(body.path("DataAttributes").path("ContentClassifiers")).hasSize(1);
        assertThat(body.path("DataAttributes").path("ContentClassifiers").get(0).asText())
                .isEqualTo("FreeOfPersonallyIdentifiableInformation");
        // InputContent is a JSON document inside a string, as A2I wants it
        assertThat(body.path("HumanLoopInput").path("InputContent").isTextual()).isTrue();
        JsonNode input = JSON.readTree(body.path("HumanLoopInput").path("InputContent").asText());
        assertThat(input.path("source").asText()).isEqualTo("A2I Workflow");
        assertThat(input.path("detectionId").asText()).isEqualTo("det-0001");
        assertThat(input.path("detectedLabel").asText()).isEqualTo("cat");
        assertThat(input.path("confidence").asDouble()).isEqualTo(41.5);
        assertThat(input.path("taskObject").asText()).isEqualTo("s3://bucket/images_for_detection/red flower.jpg");
        // the task UI's choices: the loop's labels, then None of the Above (the UI renders task.input.labels)
        assertThat(input.path("labels")).hasSize(3);
        assertThat(input.path("labels").get(0).asText()).isEqualTo("cat");
        assertThat(input.path("labels").get(1).asText()).isEqualTo("dog");
        assertThat(input.path("labels").get(2).asText()).isEqualTo("None of the Above");
    }

    @Test
    void aLoopNameThatExistsIsAlreadyStartedNotAnErrorAndNotRetried() {
        wm.stubFor(post(urlEqualTo("/human-loops"))
                .willReturn(error(409, "ConflictException", "Human loop review-det-0001 already exists")));

        assertThat(review.start(loop())).isEqualTo(HumanReview.StartResult.ALREADY_STARTED);
        assertThat(wm.findAll(postRequestedFor(urlEqualTo("/human-loops")))).hasSize(1);
    }

    @Test
    void aValidationErrorSurfacesWithOperationLoopCodeAndMessageWithoutRetry() {
        wm.stubFor(post(urlEqualTo("/human-loops"))
                .willReturn(error(400, "ValidationException", "FlowDefinitionArn is not active")));

        assertThatThrownBy(() -> review.start(loop()))
                .isInstanceOf(HumanReviewException.class)
                .hasMessageContaining("StartHumanLoop")
                .hasMessageContaining("review-det-0001")
                .hasMessageContaining("ValidationException")
                .hasMessageContaining("HTTP 400")
                .hasMessageContaining("FlowDefinitionArn is not active");
        assertThat(wm.findAll(postRequestedFor(urlEqualTo("/human-loops")))).hasSize(1);
    }

    @Test
    void throttlingIsRetriedThenSucceeds() {
        wm.stubFor(post(urlEqualTo("/human-loops")).inScenario("throttle").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("busy once").willReturn(error(429, "ThrottlingException", "Rate exceeded")));
        wm.stubFor(post(urlEqualTo("/human-loops")).inScenario("throttle").whenScenarioStateIs("busy once")
                .willSetStateTo("free").willReturn(error(500, "InternalServerException", "try again")));
        wm.stubFor(post(urlEqualTo("/human-loops")).inScenario("throttle").whenScenarioStateIs("free")
                .willReturn(ok("{\"HumanLoopArn\":\"" + LOOP_ARN + "\"}")));

        assertThat(review.startLoop(loop())).isEqualTo(new A2iHumanReview.Started(HumanReview.StartResult.STARTED, LOOP_ARN));
        assertThat(wm.findAll(postRequestedFor(urlEqualTo("/human-loops")))).hasSize(3);
    }

    @Test
    void throttlingBeyondTheAttemptBudgetFailsClearly() {
        wm.stubFor(post(urlEqualTo("/human-loops")).willReturn(error(429, "ThrottlingException", "Rate exceeded")));

        assertThatThrownBy(() -> review.start(loop())).isInstanceOf(HumanReviewException.class)
                .hasMessageContaining("ThrottlingException").hasMessageContaining("Rate exceeded");
        assertThat(wm.findAll(postRequestedFor(urlEqualTo("/human-loops")))).hasSize(3);
    }

    @Test
    void describeReportsStatusAndOutputUri() {
        wm.stubFor(get(urlEqualTo("/human-loops/review-det-0001")).willReturn(ok("{\"CreationTime\":\"" + Instant.ofEpochSecond(1767323045) + "\","
                + "\"FlowDefinitionArn\":\"" + FLOW + "\",\"HumanLoopArn\":\"" + LOOP_ARN + "\","
                + "\"HumanLoopName\":\"review-det-0001\",\"HumanLoopStatus\":\"Completed\","
                + "\"HumanLoopOutput\":{\"OutputS3Uri\":\"s3://bucket/a2i-human-loop-data/modelloop-review/2026/01/02/03/04/05/review-det-0001/output.json\"}}")));

        A2iHumanReview.LoopState state = review.describe("review-det-0001");

        assertThat(state.completed()).isTrue();
        assertThat(state.status()).isEqualTo("Completed");
        assertThat(state.outputS3Uri()).endsWith("/review-det-0001/output.json");
        assertThat(state.createdAt()).isEqualTo(Instant.ofEpochSecond(1767323045));
    }

    @Test
    void describeOfAnUnknownLoopFailsClearly() {
        wm.stubFor(get(urlEqualTo("/human-loops/nope")).willReturn(error(404, "ResourceNotFoundException", "no loop nope")));

        assertThatThrownBy(() -> review.describe("nope")).isInstanceOf(HumanReviewException.class)
                .hasMessageContaining("DescribeHumanLoop").hasMessageContaining("ResourceNotFoundException");
    }
}
