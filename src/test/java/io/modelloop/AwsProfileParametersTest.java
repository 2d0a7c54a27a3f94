package io.modelloop;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static io.modelloop.testing.AwsStubs.PREFIX;
import static io.modelloop.testing.AwsStubs.SSM_SCENARIO;
import static io.modelloop.testing.AwsStubs.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.parameters.ParameterRule;
import io.modelloop.storage.BucketLayout;
import io.modelloop.testing.AwsStubs;
import io.modelloop.testing.Fixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
 * The aws profile against S3Proxy (as S3) and WireMock (as SSM and SNS): the parameters are
 * created in SSM at first start, read back page by page, and later edits in SSM are applied
 * (or refused) within the poll interval and announced on the SNS topic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AwsProfileParametersTest {

    private static final long POLL_MS = 300;
    private static final int PAGE_SIZE = 4; // 10 parameters -> 3 pages, joined by NextToken

    @TempDir
    static Path tmp;

    static AwsStubs aws;
    static ModelLoop loop;

    @BeforeAll
    static void start() throws Exception {
        aws = AwsStubs.start(tmp.resolve("s3"));
        aws.stubPublishOk();
        aws.stubPutParameterOk();
        // An empty store until ModelLoop has written the last default; from then on SSM holds the ten.
        aws.stubParametersByPath(Scenario.STARTED, Map.of(), Map.of(), PAGE_SIZE);
        aws.ssm.stubFor(AwsStubs.ssmCall("PutParameter").atPriority(1)
                .withRequestBody(matchingJsonPath("$.Name", equalTo(PREFIX + ParameterDefinition.HUMAN_SAMPLING_INTERVAL)))
                .inScenario(SSM_SCENARIO).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("created")
                .willReturn(AwsStubs.ssmJson(200, "{\"Version\":1,\"Tier\":\"Standard\"}")));
        aws.stubParametersByPath("created", AwsStubs.defaults(), Map.of(), PAGE_SIZE);

        loop = aws.startLoop(tmp.resolve("data"), Map.of("modelloop.parameters.poll-interval-ms", Long.toString(POLL_MS)));
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
    void firstStartCreatesEachDefaultInSsmAndReadsEveryPage() {
        List<JsonNode> puts = parameterPuts();
        assertThat(aws.ssmBodies("PutParameter")).as("the values in force are recorded for restarts")
                .anySatisfy(p -> assertThat(p.path("Name").asText()).isEqualTo(PREFIX + ParameterDefinition.VALUES_IN_FORCE));
        Map<String, JsonNode> putByName = new LinkedHashMap<>();
        puts.forEach(p -> putByName.put(p.path("Name").asText(), p));
        assertThat(puts).as("one PutParameter per missing default, no more").hasSize(10);
        AwsStubs.defaults().forEach((name, value) -> {
            JsonNode put = putByName.get(PREFIX + name);
            assertThat(put).as("PutParameter for " + name).isNotNull();
            assertThat(put.path("Value").asText()).isEqualTo(value);
            assertThat(put.path("Type").asText()).isEqualTo("String");
            assertThat(put.path("Overwrite").asBoolean()).isTrue();
        });

        List<JsonNode> reads = aws.ssmBodies("GetParametersByPath");
        assertThat(reads).isNotEmpty().allSatisfy(r -> {
            assertThat(r.path("Path").asText()).as("SSM paths do not end with a slash").isEqualTo(AwsStubs.SSM_PATH);
            assertThat(r.path("MaxResults").asInt()).isBetween(1, 10);
        });
        assertThat(reads).as("the NextToken of each page was followed")
                .anySatisfy(r -> assertThat(r.path("NextToken").asText()).isNotEmpty());

        assertThat(loop.parameters().values().raw()).containsAllEntriesOf(AwsStubs.defaults());

        // the creation is announced on the topic (delivered asynchronously by the SNS sink)
        await().atMost(Duration.ofSeconds(10)).until(() -> !aws.publishesOf("ParametersCreated").isEmpty());
        List<Map<String, String>> created = aws.publishesOf("ParametersCreated");
        assertThat(created).hasSize(1);
        assertThat(created.get(0).get("TopicArn")).isEqualTo(AwsStubs.TOPIC_ARN);
        assertThat(json(created.get(0).get("Message")).path("data").path("parameters")).hasSize(10);

        // the five prefixes exist in the "AWS" bucket
        try (var s3 = aws.s3Client()) {
            var keys = s3.listObjectsV2(b -> b.bucket(AwsStubs.BUCKET)).contents().stream().map(o -> o.key()).toList();
            assertThat(keys).containsAll(BucketLayout.PREFIXES);
        }

        var ready = Fixture.get(Fixture.managementBase(loop) + "/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"status\":\"UP\"");
        var status = Fixture.get(Fixture.httpBase(loop) + "/api/status");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(json(status.body()).path("parametersLocation").asText()).isEqualTo("ssm:" + PREFIX);
    }

    @Test
    @Order(2)
    void laterPollsReadAllPagesAndNeverRewriteParameters() {
        int before = aws.ssmBodies("GetParametersByPath").size();
        // several polls go by, each reading three pages
        await().atMost(Duration.ofSeconds(10))
                .until(() -> aws.ssmBodies("GetParametersByPath").size() >= before + 9);
        assertThat(parameterPuts()).as("a complete read never looks like a deleted parameter").hasSize(10);
        assertThat(aws.publishesOf("ParameterRestored")).isEmpty();
        assertThat(aws.publishesOf("ParameterRejected")).isEmpty();
    }

    @Test
    @Order(3)
    void aNewVersionInSsmIsAppliedWithinThePollIntervalAndPublished() {
        Map<String, String> values = new HashMap<>(AwsStubs.defaults());
        values.put(ParameterDefinition.MINIMUM_F1_SCORE, "0.9");
        aws.stubParametersByPath("f1-0.9", ordered(values), Map.of(ParameterDefinition.MINIMUM_F1_SCORE, 2L), PAGE_SIZE);
        aws.ssm.setScenarioState(SSM_SCENARIO, "f1-0.9");

        await().atMost(Duration.ofMillis(POLL_MS * 2 + 2000)).pollInterval(Duration.ofMillis(50))
                .until(() -> loop.parameters().values().minimumF1Score() == 0.9);

        await().atMost(Duration.ofSeconds(5)).until(() -> !aws.publishesOf("ParameterChanged").isEmpty());
        List<Map<String, String>> changed = aws.publishesOf("ParameterChanged");
        assertThat(changed).hasSize(1);
        JsonNode message = json(changed.get(0).get("Message"));
        assertThat(message.path("data").path("parameter").asText()).isEqualTo(ParameterDefinition.MINIMUM_F1_SCORE);
        assertThat(message.path("data").path("oldValue").asText()).isEqualTo("0.8");
        assertThat(message.path("data").path("newValue").asText()).isEqualTo("0.9");
        assertThat(changed.get(0).get("Subject")).contains("Minimum-F1-Score");
        assertThat(changed.get(0).get("TopicArn")).isEqualTo(AwsStubs.TOPIC_ARN);

        var status = Fixture.get(Fixture.httpBase(loop) + "/api/status");
        assertThat(json(status.body()).path("parameters").path(ParameterDefinition.MINIMUM_F1_SCORE).asText()).isEqualTo("0.9");
    }

    @Test
    @Order(4)
    void anInvalidValueInSsmIsNotAppliedAndTheErrorIsPublishedOnce() {
        Map<String, String> values = new HashMap<>(AwsStubs.defaults());
        values.put(ParameterDefinition.MINIMUM_F1_SCORE, "1.5");
        aws.stubParametersByPath("f1-invalid", ordered(values), Map.of(ParameterDefinition.MINIMUM_F1_SCORE, 3L), PAGE_SIZE);
        int readsBefore = aws.ssmBodies("GetParametersByPath").size();
        aws.ssm.setScenarioState(SSM_SCENARIO, "f1-invalid");

        await().atMost(Duration.ofMillis(POLL_MS * 2 + 5000)).until(() -> !aws.publishesOf("ParameterRejected").isEmpty());
        Map<String, String> rejected = aws.publishesOf("ParameterRejected").get(0);
        JsonNode message = json(rejected.get("Message"));
        assertThat(message.path("data").path("parameter").asText()).isEqualTo(ParameterDefinition.MINIMUM_F1_SCORE);
        assertThat(message.path("data").path("value").asText()).isEqualTo("1.5");
        assertThat(message.path("data").path("rule").asText()).isEqualTo(ParameterRule.FRACTION_0_TO_1.description());
        assertThat(message.path("details").asText()).contains("Minimum-F1-Score", "1.5", ParameterRule.FRACTION_0_TO_1.description());
        assertThat(rejected.get("Subject")).contains("Minimum-F1-Score", "1.5");

        // more polls later: the last valid value stays, nothing is written, the error is not repeated
        await().atMost(Duration.ofSeconds(10)).until(() -> aws.ssmBodies("GetParametersByPath").size() >= readsBefore + 9);
        assertThat(loop.parameters().values().minimumF1Score()).isEqualTo(0.9);
        assertThat(aws.publishesOf("ParameterRejected")).hasSize(1);
        assertThat(parameterPuts()).hasSize(10);
        assertThat(aws.publishesOf("ParameterChanged")).hasSize(1);
    }

    @Test
    @Order(5)
    void aValueSetThroughTheApiIsWrittenToSsmAndReportedAsChangedEvenIfAPollRunsMeanwhile() {
        Map<String, String> values = new HashMap<>(AwsStubs.defaults());
        values.put(ParameterDefinition.MINIMUM_F1_SCORE, "1.5");
        values.put(ParameterDefinition.MINIMUM_INFERENCE_UNITS, "2");
        aws.stubParametersByPath("units-2", ordered(values),
                Map.of(ParameterDefinition.MINIMUM_F1_SCORE, 3L, ParameterDefinition.MINIMUM_INFERENCE_UNITS, 2L), PAGE_SIZE);
        // SSM stores the value at once but answers slowly: several polls fall inside the call
        aws.ssm.stubFor(AwsStubs.ssmCall("PutParameter").atPriority(1)
                .withRequestBody(matchingJsonPath("$.Name", equalTo(PREFIX + ParameterDefinition.MINIMUM_INFERENCE_UNITS)))
                .inScenario(SSM_SCENARIO).whenScenarioStateIs("f1-invalid").willSetStateTo("units-2")
                .willReturn(AwsStubs.ssmJson(200, "{\"Version\":2,\"Tier\":\"Standard\"}").withFixedDelay((int) POLL_MS * 3)));

        var reply = Fixture.send(HttpRequest.newBuilder(
                        URI.create(Fixture.httpBase(loop) + "/api/parameters/" + ParameterDefinition.MINIMUM_INFERENCE_UNITS))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"value\": \"2\"}")).build());

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(json(reply.body()).path("changed").asBoolean()).as(reply.body()).isTrue();
        assertThat(json(reply.body()).path("value").asText()).isEqualTo("2");
        JsonNode put = parameterPuts().get(10);
        assertThat(put.path("Name").asText()).isEqualTo(PREFIX + ParameterDefinition.MINIMUM_INFERENCE_UNITS);
        assertThat(put.path("Value").asText()).isEqualTo("2");
        assertThat(put.path("Overwrite").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> aws.publishesOf("ParameterChanged").size() == 2);
        assertThat(json(aws.publishesOf("ParameterChanged").get(1).get("Message")).path("data").path("parameter").asText())
                .isEqualTo(ParameterDefinition.MINIMUM_INFERENCE_UNITS);
    }

    @Test
    @Order(6)
    void parameterHistoryComesFromSsmNewestFirstAcrossPages() {
        String name = ParameterDefinition.MINIMUM_LABEL_DETECTION_CONFIDENCE;
        List<AwsStubs.SsmVersion> versions = new java.util.ArrayList<>();
        for (int v = 1; v <= 7; v++) {
            versions.add(new AwsStubs.SsmVersion(Integer.toString(60 + v), v, 1.7672256E9 + 60 * v,
                    "arn:aws:iam::123456789012:user/operator-" + v));
        }
        aws.stubParameterHistory(name, versions, 3); // 3 pages, oldest first as SSM lists them

        var reply = Fixture.get(Fixture.httpBase(loop) + "/api/parameters/" + name + "/history?limit=4");

        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        JsonNode body = json(reply.body());
        assertThat(body.path("parameter").asText()).isEqualTo(name);
        JsonNode history = body.path("history");
        assertThat(history).hasSize(4);
        assertThat(history.get(0).path("value").asText()).isEqualTo("67");
        assertThat(history.get(0).path("changedBy").asText()).isEqualTo("arn:aws:iam::123456789012:user/operator-7");
        assertThat(history.get(0).path("changedAt").asText()).isEqualTo("2026-01-01T00:07:00Z");
        assertThat(history.get(0).path("source").asText()).isEqualTo("ssm");
        assertThat(history.get(3).path("value").asText()).isEqualTo("64");
        List<JsonNode> calls = aws.ssmBodies("GetParameterHistory");
        assertThat(calls).hasSize(3).allSatisfy(c -> assertThat(c.path("Name").asText()).isEqualTo(PREFIX + name));
        assertThat(calls.get(2).path("NextToken").asText()).isNotEmpty();

        var unknown = Fixture.get(Fixture.httpBase(loop) + "/api/parameters/No-Such-Parameter/history");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
    }

    /** Values in definition order, so the pages hold the same names as before. */
    private static Map<String, String> ordered(Map<String, String> values) {
        Map<String, String> m = new LinkedHashMap<>();
        ParameterDefinition.ALL.forEach(d -> m.put(d.name(), values.get(d.name())));
        return m;
    }

    /** PutParameter calls for the ten parameters, leaving out ModelLoop's own system-state keys. */
    private static List<JsonNode> parameterPuts() {
        return aws.ssmBodies("PutParameter").stream()
                .filter(p -> !p.path("Name").asText().startsWith(PREFIX + ParameterDefinition.SYSTEM_STATE)).toList();
    }
}
