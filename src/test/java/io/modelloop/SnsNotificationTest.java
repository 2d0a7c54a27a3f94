package io.modelloop;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.modelloop.testing.AwsStubs.PREFIX;
import static io.modelloop.testing.AwsStubs.SSM_SCENARIO;
import static io.modelloop.testing.AwsStubs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.modelloop.notify.Notifier;
import io.modelloop.parameters.ParameterChange;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.testing.AwsStubs;
import io.modelloop.testing.Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications on the aws profile's SNS topic, checked on the Publish requests WireMock
 * received: the SNS subject rules, the JSON message, and what happens when SNS keeps failing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnsNotificationTest {

    private static final int ATTEMPTS = 3;
    private static final long RETRY_DELAY_MS = 400; // back-off x2: 400 + 800 + 1600 ms before giving up

    @TempDir
    static Path tmp;

    static AwsStubs aws;
    static ModelLoop loop;
    static Notifier notifier;
    static Path jsonl;

    @BeforeAll
    static void start() throws Exception {
        aws = AwsStubs.start(tmp.resolve("s3"));
        aws.stubPublishOk();
        aws.stubPutParameterOk();
        // SSM already holds the ten; writing Minimum-Untrained-Images=20 makes SSM answer 20 from then on
        aws.stubParametersByPath(Scenario.STARTED, AwsStubs.defaults(), Map.of(), 10);
        aws.ssm.stubFor(AwsStubs.ssmCall("PutParameter").atPriority(1)
                .withRequestBody(matchingJsonPath("$.Name", equalTo(PREFIX + ParameterDefinition.MINIMUM_UNTRAINED_IMAGES)))
                .withRequestBody(matchingJsonPath("$.Value", equalTo("20")))
                .inScenario(SSM_SCENARIO).willSetStateTo("untrained-20")
                .willReturn(AwsStubs.ssmJson(200, "{\"Version\":2,\"Tier\":\"Standard\"}")));
        Map<String, String> changed = new LinkedHashMap<>(AwsStubs.defaults());
        changed.put(ParameterDefinition.MINIMUM_UNTRAINED_IMAGES, "20");
        aws.stubParametersByPath("untrained-20", changed, Map.of(ParameterDefinition.MINIMUM_UNTRAINED_IMAGES, 2L), 10);

        Path data = tmp.resolve("data");
        loop = aws.startLoop(data, Map.of(
                "modelloop.notify.sinks", "jsonl,sns",
                "modelloop.notify.retry.attempts", Integer.toString(ATTEMPTS),
                "modelloop.notify.retry.delay-ms", Long.toString(RETRY_DELAY_MS)));
        notifier = loop.camel().getRegistry().lookupByNameAndType("notifier", Notifier.class);
        jsonl = data.resolve("notifications.jsonl");
    }

    @AfterAll
    static void stop() throws Exception {
        if (loop != null) {
            loop.close();
        }
        if (aws != null) {
            aws.close();
        }
    }

    @Test
    @Order(1)
    void publishCarriesAnSnsSafeSubjectAndTheJsonMessage() throws Exception {
        String details = "Étiquette ✓ 猫 ready\nsecond line\r\nthird\tline " + "very long text ".repeat(30);
        notifier.notify("LabelReviewed", details, Map.of("label", "Étiquette ✓ 猫", "images", 3));

        await().atMost(Duration.ofSeconds(10)).until(() -> !aws.publishesOf("LabelReviewed").isEmpty());
        List<Map<String, String>> publishes = aws.publishesOf("LabelReviewed");
        assertThat(publishes).hasSize(1);
        Map<String, String> form = publishes.get(0);

        assertThat(form.get("Action")).isEqualTo("Publish");
        assertThat(form.get("Version")).isEqualTo("2010-03-31");
        assertThat(form.get("TopicArn")).isEqualTo(AwsStubs.TOPIC_ARN);

        String subject = form.get("Subject");
        assertThat(subject).isNotBlank().hasSizeLessThanOrEqualTo(99);
        assertThat(subject.chars()).as("printable ASCII only: " + subject).allMatch(c -> c >= 0x20 && c < 0x7f);
        assertThat(subject).doesNotContain("\n", "\r", "\t")
                .startsWith("ModelLoop LabelReviewed: Etiquette")
                .contains("ready second line third line very long text")
                .endsWith("...");

        JsonNode message = json(form.get("Message"));
        assertThat(message.path("event").asText()).isEqualTo("LabelReviewed");
        assertThat(Instant.parse(message.path("time").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(message.path("details").asText()).as("the body keeps the full text").isEqualTo(details);
        assertThat(message.path("data").path("label").asText()).isEqualTo("Étiquette ✓ 猫");
        assertThat(message.path("data").path("images").asInt()).isEqualTo(3);

        // signed with the default chain's credentials for the configured region and the sns service
        LoggedRequest request = aws.sns.findAll(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(containing("LabelReviewed"))).get(0);
        assertThat(request.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(request.getHeader("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=" + AwsStubs.ACCESS_KEY + "/")
                .contains("/us-east-1/sns/aws4_request");

        // the local JSON lines sink wrote the same JSON
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(jsonl)
                && Files.readAllLines(jsonl).stream().anyMatch(l -> l.contains("LabelReviewed")));
        assertThat(linesOf("LabelReviewed")).containsExactly(form.get("Message"));
    }

    @Test
    @Order(2)
    void anSnsOutageIsRetriedThenShownInHealthWithoutBlockingTheWorkflow() throws Exception {
        StubMapping outage = aws.sns.stubFor(post(urlEqualTo("/")).atPriority(1)
                .withFormParam("Action", equalTo("Publish"))
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "text/xml")
                        .withBody(AwsStubs.snsError("InternalError", "Service unavailable (test outage)"))));
        aws.sns.resetRequests();

        long t0 = System.nanoTime();
        List<ParameterChange> applied = loop.parameters().set(ParameterDefinition.MINIMUM_UNTRAINED_IMAGES, "20");
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(applied).extracting(ParameterChange::name).containsExactly(ParameterDefinition.MINIMUM_UNTRAINED_IMAGES);
        assertThat(elapsedMs).as("set() does not wait for the failing SNS sink").isLessThan(RETRY_DELAY_MS * 3);
        assertThat(loop.parameters().values().minimumUntrainedImages()).isEqualTo(20);

        // the other sink still delivers
        await().atMost(Duration.ofSeconds(5)).until(() -> linesOf("ParameterChanged").stream()
                .anyMatch(l -> l.contains("Minimum-Untrained-Images")));

        // SNS: first attempt plus the configured retries, then reported
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var h = Fixture.get(Fixture.managementBase(loop) + "/observe/health");
            return h.body().contains("notification-sinks") && sinkCheck(h.body()).path("status").asText().equals("DOWN");
        });
        assertThat(aws.publishesOf("ParameterChanged").size()).as("Publish attempts").isEqualTo(ATTEMPTS + 1);

        // what an operator sees at /observe/health: which sink fails, and why
        JsonNode sinks = sinkCheck(Fixture.get(Fixture.managementBase(loop) + "/observe/health").body());
        assertThat(sinks.path("message").asText()).contains("sns (", "test outage", "500").doesNotContain("jsonl");

        var ready = Fixture.get(Fixture.managementBase(loop) + "/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready.body()).path("status").asText()).isEqualTo("UP");

        // SNS recovers: the next notification is delivered and the sink is healthy again
        aws.sns.removeStub(outage);
        notifier.notify("OutageOver", "SNS answers again", Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> !aws.publishesOf("OutageOver").isEmpty());
        await().atMost(Duration.ofSeconds(5)).until(() -> json(
                Fixture.get(Fixture.managementBase(loop) + "/observe/health").body()).path("status").asText().equals("UP"));
    }

    private static List<String> linesOf(String event) throws Exception {
        if (!Files.exists(jsonl)) {
            return List.of();
        }
        return Files.readAllLines(jsonl).stream().filter(l -> json(l).path("event").asText().equals(event)).toList();
    }

    /** The notification-sinks entry of /observe/health. */
    static JsonNode sinkCheck(String healthBody) {
        for (JsonNode check : json(healthBody).path("checks")) {
            if (check.path("name").asText().equals("notification-sinks")) {
                return check;
            }
        }
        return json("{}");
    }
}
