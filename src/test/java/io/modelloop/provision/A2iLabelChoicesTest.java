package io.modelloop.provision;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.modelloop.config.Settings;
import io.modelloop.detection.HumanLoop;
import io.modelloop.review.HumanReview;
import io.modelloop.review.HumanReviews;
import io.modelloop.storage.BucketLayout;
import io.modelloop.testing.AwsStubs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A label added after bootstrap can be chosen in A2I without recreating the task UI: the UI
 * bootstrap creates takes its categories from the loop's input (task.input.labels), and the A2I
 * review backend, wired as the application wires it, puts the labels of the bucket at the time
 * the loop starts (plus None of the Above) into StartHumanLoop's InputContent. S3 is S3Proxy;
 * SageMaker (CreateHumanTaskUi) and the A2I runtime (POST /human-loops) are WireMock.
 */
class A2iLabelChoicesTest {

    static final String FLOW = "arn:aws:sagemaker:us-east-1:123456789012:flow-definition/modelloop-review";
    /** The categories attribute of the template: the input key it renders as a JSON array. */
    static final Pattern CATEGORIES = Pattern.compile("categories=\"\\{\\{ task\\.input\\.(\\w+) \\| to_json \\| escape }}\"");

    @TempDir
    Path tmp;

    AwsStubs aws;
    AwsAccountStubs stubs;
    WireMockServer a2i;
    S3Client s3;

    @BeforeEach
    void start() throws Exception {
        aws = AwsStubs.start(tmp.resolve("s3"));
        stubs = new AwsAccountStubs(aws);
        a2i = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        a2i.start();
        a2i.stubFor(post(urlEqualTo("/human-loops")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"HumanLoopArn\":\"arn:aws:sagemaker:us-east-1:123456789012:human-loop/review-det-0042\"}")));
        s3 = aws.s3Client();
        label("cat");
        label("dog");
    }

    @AfterEach
    void stop() throws Exception {
        s3.close();
        a2i.stop();
        stubs.close();
        aws.close();
    }

    private void label(String name) {
        s3.putObject(b -> b.bucket(AwsStubs.BUCKET).key(BucketLayout.LABELED + name + "/" + name + "1.jpg"),
                RequestBody.fromBytes(new byte[] {1}));
    }

    private Settings settings() {
        return aws.settings(tmp.resolve("data"), Map.of("modelloop.s3.endpoint", stubs.s3.baseUrl(),
                "modelloop.sagemaker.endpoint", stubs.sagemaker.baseUrl(),
                "modelloop.review.backend", "a2i", "modelloop.review.a2i.flow-definition-arn", FLOW,
                "modelloop.review.a2i.endpoint", a2i.baseUrl()));
    }

    private String bootstrapTaskUi() {
        try (AwsContext ctx = new AwsContext(settings())) {
            assertThat(new HumanTaskUiResource(ctx).ensure().status()).isEqualTo(Outcome.CREATED);
        }
        return AwsAccountStubs.bodies(stubs.sagemaker, "SageMaker.CreateHumanTaskUi").get(0).path("UiTemplate").path("Content").asText();
    }

    private JsonNode startHumanLoopInput() {
        var requests = a2i.findAll(postRequestedFor(urlEqualTo("/human-loops")));
        assertThat(requests).hasSize(1);
        return AwsStubs.json(AwsStubs.json(requests.get(0).getBodyAsString()).path("HumanLoopInput").path("InputContent").asText());
    }

    @Test
    void aLabelAddedAfterBootstrapIsAChoiceOfTheNextLoop() {
        String template = bootstrapTaskUi();
        assertThat(template).doesNotContain("dog", "'cat'", "\"cat\"");

        label("bird");
        HumanReview review = HumanReviews.create(settings(), null, s3, AwsStubs.BUCKET, Clock.systemUTC());
        // the labels the detection saw a moment ago; bird arrived since
        HumanLoop loop = HumanLoop.open(HumanLoop.A2I_WORKFLOW, "det-0042", "cat", 41.0, AwsStubs.BUCKET,
                "images_for_detection/x.jpg", List.of("cat", "dog"), Instant.now());
        assertThat(review.start(loop)).isEqualTo(HumanReview.StartResult.STARTED);

        JsonNode input = startHumanLoopInput();
        Matcher categories = CATEGORIES.matcher(template);
        assertThat(categories.find()).as(template).isTrue();
        JsonNode choices = input.path(categories.group(1));
        assertThat(StreamSupport.stream(choices.spliterator(), false).map(JsonNode::asText).toList())
                .containsExactly("bird", "cat", "dog", "None of the Above");
        assertThat(template).contains("{{ task.input.taskObject | grant_read_access }}");
        assertThat(input.path("taskObject").asText()).isEqualTo("s3://" + AwsStubs.BUCKET + "/images_for_detection/x.jpg");
    }

    /** The template's "Sent because" line: the input key it renders, HTML-escaped. */
    static final Pattern SENT_BECAUSE = Pattern.compile("\\{\\{ task\\.input\\.(\\w+) \\| escape }}");

    @Test
    void theTaskShowsTheWorkerWhyTheImageWasSent() {
        String template = bootstrapTaskUi();
        HumanReview review = HumanReviews.create(settings(), null, s3, AwsStubs.BUCKET, Clock.systemUTC());
        HumanLoop loop = HumanLoop.open(HumanLoop.A2I_WORKFLOW, "det-0043", "cat", 12.0, AwsStubs.BUCKET,
                "images_for_detection/y.jpg", List.of("cat", "dog"), Instant.now())
                .withConfidenceParts("UNFAMILIAR", 93.5, 12.0);
        assertThat(review.start(loop)).isEqualTo(HumanReview.StartResult.STARTED);

        JsonNode input = startHumanLoopInput();
        Matcher sentBecause = SENT_BECAUSE.matcher(template);
        assertThat(sentBecause.find()).as(template).isTrue();
        assertThat(template).contains("Sent because:");
        assertThat(input.path(sentBecause.group(1)).asText())
                .isEqualTo("unfamiliar — this image looks unlike the training images of cat (familiarity 12 / 100)");
        assertThat(input.path("confidenceReason").asText()).isEqualTo("UNFAMILIAR");
        assertThat(input.path("classProbability").asDouble()).isEqualTo(93.5);
        assertThat(input.path("familiarity").asDouble()).isEqualTo(12.0);
    }
}
