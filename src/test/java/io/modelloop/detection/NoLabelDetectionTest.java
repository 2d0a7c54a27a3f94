package io.modelloop.detection;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.modelloop.ModelLoop;
import io.modelloop.config.Settings;
import io.modelloop.model.Classification;
import io.modelloop.model.ImageRef;
import io.modelloop.model.TrainingImages;
import io.modelloop.parameters.FileParameterStore;
import io.modelloop.review.A2iHumanReview;
import io.modelloop.review.HumanLoopOutput;
import io.modelloop.review.HumanReview;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.storage.AwsClients;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.RekognitionStubs;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue #10 item 4: Rekognition's DetectCustomLabels answering no label at all
 * ({@code {"CustomLabels":[]}}, stubbed at the protocol level). The detection is recorded with
 * confidence 0 and no label, goes to review, the reviewer answers with a known label and the
 * image is copied under it; nothing on the way prints "null" for the missing label.
 */
class NoLabelDetectionTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    static byte[] png(String kind) {
        return TrainingImages.encode(TrainingImages.draw(kind, new Random(kind.hashCode())), "png");
    }

    @Test
    void noLabelFromRekognitionIsRecordedAtZeroAndReviewedAndTheAnswerIsCopied() throws Exception {
        try (RekognitionStubs rek = RekognitionStubs.start("modelloop")) {
            rek.projectExists();
            String version = rek.version("v1").completesWithF1(0.9).detects().alreadyRunning().arn();
            new SystemStateRepository(new FileParameterStore(data.resolve("parameters.properties")), Clock.systemUTC())
                    .update(s -> s.withRunningModelVersion(version));
            Map<String, String> s = new HashMap<>(rek.settings());
            s.put("modelloop.model.backend", "rekognition");
            s.put("modelloop.poll.interval-ms", "200");
            s.put("modelloop.review.results-interval-ms", "200");
            try (ModelLoop loop = Fixture.startLocal(data, s)) {
                put(loop, "images_labeled_by_folder/cat/seed.png", png(TrainingImages.CIRCLE));
                put(loop, "images_labeled_by_folder/dog/seed.png", png(TrainingImages.STRIPES));
                put(loop, "images_for_detection/unknown.png", png(TrainingImages.CIRCLE));

                await().atMost(Duration.ofSeconds(20)).until(() -> find(loop, "images_for_detection/unknown.png") != null);
                Detection d = find(loop, "images_for_detection/unknown.png");
                assertThat(rek.requests("DetectCustomLabels")).singleElement()
                        .satisfies(r -> assertThat(r.path("ProjectVersionArn").asText()).isEqualTo(version));
                assertThat(d.outcome()).isEqualTo(Detection.Outcome.CLASSIFIED);
                assertThat(d.label()).isNull();
                assertThat(d.confidence()).isEqualTo(0.0);
                assertThat(d.modelVersion()).isEqualTo(version);
                assertThat(d.belowThreshold()).isTrue();

                // a review loop is opened for it, offering the known labels
                String loopName = HumanLoopNames.forDetection(d.id(), HumanLoop.A2I_WORKFLOW);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> loopName.equals(loop.detectionStore().get(d.id()).orElseThrow().humanLoopName()));
                JsonNode one = JSON.readTree(Fixture.get(Fixture.httpBase(loop) + "/api/reviews/" + loopName).body());
                assertThat(one.path("status").asText()).isEqualTo("OPEN");
                assertThat(one.path("confidence").asDouble()).isEqualTo(0.0);
                assertThat(one.path("detectedLabel").isMissingNode() || one.path("detectedLabel").isNull()).isTrue();
                assertThat(one.toString()).contains("\"cat\"", "\"dog\"");

                // the reviewer answers with a known label; the image joins that label's training images
                HttpResponse<String> answered = Fixture.send(HttpRequest.newBuilder(
                                URI.create(Fixture.httpBase(loop) + "/api/reviews/" + loopName + "/answer"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"label\":\"dog\",\"reviewer\":\"ann\"}")).build());
                assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> loop.detectionStore().get(d.id()).orElseThrow().copiedKey() != null);
                Detection reviewed = loop.detectionStore().get(d.id()).orElseThrow();
                assertThat(reviewed.humanLabel()).isEqualTo("dog");
                assertThat(keysUnder(loop, "images_labeled_by_folder/dog/")).contains(reviewed.copiedKey());

                // notifications say there was no label, never "null"
                await().atMost(Duration.ofSeconds(10)).until(() -> events().keySet().containsAll(
                        List.of("ImageClassified", "HumanLoopStarted", "HumanLoopCompleted")));
                Map<String, String> events = events();
                assertThat(events.get("ImageClassified")).contains("no label").doesNotContain("null");
                assertThat(events.get("HumanLoopStarted")).contains("no label").doesNotContain("null");
            }
        }
    }

    @Test
    void anA2iLoopForNoLabelSendsConfidenceZeroAndTheKnownLabelsAndItsAnswerIsRead() throws Exception {
        String flow = "arn:aws:sagemaker:us-east-1:123456789012:flow-definition/modelloop-review";
        WireMockServer a2i = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        a2i.start();
        // the dummy credentials RekognitionStubs sets for the SDK's default chain
        try (RekognitionStubs rek = RekognitionStubs.start("modelloop")) {
            rek.projectExists();
            String version = rek.version("v1").completesWithF1(0.9).detects().alreadyRunning().arn();
            Classification c = rek.backend("bucket").classify(version, new ImageRef("bucket", "images_for_detection/x.png"));
            assertThat(c.label()).isNull();
            assertThat(c.confidence()).isEqualTo(0.0);
            assertThat(c.reason()).isEqualTo(Classification.Reason.NO_LABEL);

            a2i.stubFor(post(urlEqualTo("/human-loops")).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"HumanLoopArn\":\"arn:aws:sagemaker:us-east-1:123456789012:human-loop/x\"}")));
            Settings settings = Settings.load(Path.of("config"), Map.of(
                    "camel.main.profile", "aws", "modelloop.bucket", "bucket", "modelloop.aws.region", "us-east-1",
                    "modelloop.review.backend", "a2i", "modelloop.review.a2i.flow-definition-arn", flow,
                    "modelloop.review.a2i.endpoint", a2i.baseUrl(), "modelloop.review.a2i.retry.attempts", "1"));
            try (var client = new AwsClients(settings).a2iRuntime()) {
                A2iHumanReview review = new A2iHumanReview(client, flow, () -> List.of("cat", "dog"));
                HumanLoop open = HumanLoop.open(HumanLoop.A2I_WORKFLOW, "det-nolabel", c.label(), c.confidence(), "bucket",
                        "images_for_detection/x.png", List.of(), Instant.parse("2026-01-02T03:04:05Z"));
                assertThat(review.start(open)).isEqualTo(HumanReview.StartResult.STARTED);

                JsonNode body = JSON.readTree(a2i.findAll(postRequestedFor(urlEqualTo("/human-loops"))).get(0).getBodyAsString());
                JsonNode input = JSON.readTree(body.path("HumanLoopInput").path("InputContent").asText());
                assertThat(input.path("confidence").asDouble()).isEqualTo(0.0);
                assertThat(input.path("detectedLabel").isMissingNode() || input.path("detectedLabel").isNull()).isTrue();
                assertThat(input.path("taskObject").asText()).isEqualTo("s3://bucket/images_for_detection/x.png");
                List<String> choices = new ArrayList<>();
                input.path("labels").forEach(l -> choices.add(l.asText()));
                assertThat(choices).containsExactly("cat", "dog", HumanLoop.NONE_OF_THE_ABOVE);

                // A2I's output for that loop, as the results route reads it
                String output = HumanLoopOutput.write(open, flow, "cat", "worker-1", Instant.now(), Instant.now());
                HumanLoopOutput.Answer answer = HumanLoopOutput.parse(output);
                assertThat(answer.label()).isEqualTo("cat");
                assertThat(answer.detectionId()).isEqualTo("det-nolabel");
                assertThat(answer.detectedLabel()).isNull();
                assertThat(answer.confidence()).isEqualTo(0.0);
            }
        } finally {
            a2i.stop();
        }
    }

    static void put(ModelLoop loop, String key, byte[] body) {
        loop.s3().putObject(b -> b.bucket("bucket").key(key), RequestBody.fromBytes(body));
    }

    static Detection find(ModelLoop loop, String key) {
        return loop.detectionStore().query(DetectionQuery.all(100)).detections().stream()
                .filter(d -> d.key().equals(key)).findFirst().orElse(null);
    }

    static List<String> keysUnder(ModelLoop loop, String prefix) {
        List<String> keys = new ArrayList<>();
        for (S3Object o : loop.s3().listObjectsV2Paginator(b -> b.bucket("bucket").prefix(prefix)).contents()) {
            keys.add(o.key());
        }
        return keys;
    }

    /** Event name to its details, from the local notification log (last of each event). */
    Map<String, String> events() throws Exception {
        Map<String, String> out = new HashMap<>();
        Path file = data.resolve("notifications.jsonl");
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file)) {
            JsonNode n = JSON.readTree(line);
            out.put(n.path("event").asText(), n.path("details").asText());
        }
        return out;
    }
}
