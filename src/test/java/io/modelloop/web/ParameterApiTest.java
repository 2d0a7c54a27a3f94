package io.modelloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.ModelLoop;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.parameters.ParameterRule;
import io.modelloop.state.SystemState;
import io.modelloop.testing.Fixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/parameters and PUT /api/parameters/{name} on a running local ModelLoop. */
class ParameterApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String F1 = ParameterDefinition.MINIMUM_F1_SCORE;

    @TempDir
    static Path data;

    static ModelLoop loop;
    static String api;

    @BeforeAll
    static void start() throws Exception {
        loop = Fixture.startLocal(data, Map.of());
        api = Fixture.httpBase(loop) + "/api/parameters";
    }

    @AfterAll
    static void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    @Test
    void listsTheTenParametersWithValueDefaultAndRule() throws Exception {
        loop.parameters().set(ParameterDefinition.HUMAN_SAMPLING_INTERVAL, "250");

        HttpResponse<String> r = Fixture.get(api);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("location").asText()).isEqualTo(data.resolve("parameters.properties").toString());
        List<JsonNode> params = new ArrayList<>();
        body.path("parameters").forEach(params::add);
        assertThat(params).extracting(p -> p.path("name").asText())
                .containsExactlyElementsOf(ParameterDefinition.ALL.stream().map(ParameterDefinition::name).toList());
        for (ParameterDefinition d : ParameterDefinition.ALL) {
            JsonNode p = params.stream().filter(n -> n.path("name").asText().equals(d.name())).findFirst().orElseThrow();
            assertThat(p.path("default").asText()).as(d.name()).isEqualTo(d.defaultValue());
            assertThat(p.path("rule").asText()).as(d.name()).isEqualTo(d.rule().description());
            assertThat(p.path("value").asText()).as(d.name()).isEqualTo(loop.parameters().values().get(d.name()));
        }
        JsonNode interval = params.stream()
                .filter(n -> n.path("name").asText().equals(ParameterDefinition.HUMAN_SAMPLING_INTERVAL)).findFirst().orElseThrow();
        assertThat(interval.path("value").asText()).isEqualTo("250");
        assertThat(interval.path("default").asText()).isEqualTo("1000");
        assertThat(r.body()).doesNotContain(ParameterDefinition.SYSTEM_STATE);
    }

    @Test
    void putAValidValueAppliesAndStoresIt() throws Exception {
        HttpResponse<String> r = put(F1, "{\"value\":\"0.9\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("parameter").asText()).isEqualTo(F1);
        assertThat(body.path("value").asText()).isEqualTo("0.9");
        assertThat(loop.parameters().values().minimumF1Score()).isEqualTo(0.9);
        assertThat(Files.readString(data.resolve("parameters.properties"))).contains(F1 + "=0.9");
        // and the list shows it
        assertThat(JSON.readTree(Fixture.get(api).body()).path("parameters").findParents("name").stream()
                .filter(n -> n.path("name").asText().equals(F1)).findFirst().orElseThrow()
                .path("value").asText()).isEqualTo("0.9");
        // and the change is a run record (SPEC 5)
        JsonNode runs = JSON.readTree(Fixture.get(Fixture.httpBase(loop) + "/api/runs?type=PARAMETER_CHANGE").body());
        assertThat(runs.path("runs").get(0).path("input").path("parameter").asText()).isEqualTo(F1);
        assertThat(runs.path("runs").get(0).path("input").path("newValue").asText()).isEqualTo("0.9");
        assertThat(runs.path("runs").get(0).path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void putAnInvalidValueIsRefusedWith400NamingTheRule() throws Exception {
        String inForce = loop.parameters().values().get(F1);
        String before = Files.readString(data.resolve("parameters.properties"));

        HttpResponse<String> r = put(F1, "{\"value\":\"1.5\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("rule").asText()).isEqualTo(ParameterRule.FRACTION_0_TO_1.description());
        assertThat(body.path("error").asText()).contains(F1, "1.5", ParameterRule.FRACTION_0_TO_1.description());
        assertThat(body.path("parameter").asText()).isEqualTo(F1);
        assertThat(body.has("value")).isFalse();
        assertThat(loop.parameters().values().get(F1)).isEqualTo(inForce);
        assertThat(Files.readString(data.resolve("parameters.properties"))).isEqualTo(before);
    }

    @Test
    void putAnIntegerWithSeparatorIsRefused() throws Exception {
        HttpResponse<String> r = put(ParameterDefinition.MINIMUM_UNTRAINED_IMAGES, "{\"value\":\"1,000\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("rule").asText())
                .isEqualTo(ParameterRule.WHOLE_NUMBER_AT_LEAST_1.description());
        assertThat(loop.parameters().values().minimumUntrainedImages()).isEqualTo(10);
    }

    @Test
    void putAnUnknownNameIs404() throws Exception {
        HttpResponse<String> r = put("Maximum-F1-Score", "{\"value\":\"0.5\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).path("error").asText()).contains("unknown parameter", F1);
        assertThat(Files.readString(data.resolve("parameters.properties"))).doesNotContain("Maximum-F1-Score");
    }

    @Test
    void putTheSystemStateIsRefused() throws Exception {
        loop.systemState().update(s -> s.withRunningModelVersion("v1"));
        SystemState before = loop.systemState().load();

        HttpResponse<String> r = put(ParameterDefinition.SYSTEM_STATE, "{\"value\":\"{}\"}");

        assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
        assertThat(JSON.readTree(r.body()).path("error").asText()).contains(ParameterDefinition.SYSTEM_STATE);
        assertThat(loop.systemState().load()).isEqualTo(before);
        assertThat(loop.systemState().load().runningModelVersion()).isEqualTo("v1");
    }

    @Test
    void putWithoutAValueIs400() throws Exception {
        HttpResponse<String> r = put(F1, "{\"other\":\"0.5\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").asText()).contains("value");
    }

    @Test
    void historyShowsTheSignedInUserOfAPutAndAHandEditNewestFirst() throws Exception {
        String name = ParameterDefinition.AUTOMATIC_HUMAN_SAMPLING_FREQUENCY;
        HttpResponse<String> set = Fixture.send(HttpRequest.newBuilder(URI.create(api + "/" + name))
                // a client's own user header is dropped: the history names the signed-in user
                .header("Content-Type", "application/json").header(ParameterApi.USER_HEADER, "alice")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"120\"}")).build());
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        Path file = data.resolve("parameters.properties");
        Files.writeString(file, Files.readString(file).replace(name + "=120", name + "=90"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> loop.parameters().values().get(name).equals("90"));

        HttpResponse<String> r = Fixture.get(api + "/" + name + "/history?limit=10");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("parameter").asText()).isEqualTo(name);
        JsonNode history = body.path("history");
        assertThat(history).hasSize(2);
        assertThat(history.get(0).path("value").asText()).isEqualTo("90");
        assertThat(history.get(0).path("source").asText()).isEqualTo("file edit");
        assertThat(history.get(0).has("changedBy")).as("present, null").isTrue();
        assertThat(history.get(0).path("changedBy").isNull()).isTrue();
        assertThat(history.get(1).path("value").asText()).isEqualTo("120");
        assertThat(history.get(1).path("changedBy").asText()).isEqualTo(Fixture.OPERATOR);
        assertThat(history.get(1).path("source").asText()).isEqualTo("console/api");
        java.time.Instant newer = java.time.Instant.parse(history.get(0).path("changedAt").asText());
        assertThat(newer).isAfterOrEqualTo(java.time.Instant.parse(history.get(1).path("changedAt").asText()));
        assertThat(JSON.readTree(Fixture.get(api + "/" + name + "/history?limit=1").body()).path("history")).hasSize(1);
    }

    @Test
    void historyOfAnUnknownNameIs404AndABadLimitIs400() throws Exception {
        HttpResponse<String> unknown = Fixture.get(api + "/No-Such-Parameter/history");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("error").asText()).contains("unknown parameter");
        for (String limit : List.of("0", "1001", "ten")) {
            HttpResponse<String> bad = Fixture.get(api + "/" + F1 + "/history?limit=" + limit);
            assertThat(bad.statusCode()).as(limit).isEqualTo(400);
            assertThat(JSON.readTree(bad.body()).path("error").asText()).contains("limit");
        }
        assertThat(Fixture.get(api + "/" + ParameterDefinition.SYSTEM_STATE + "/history").statusCode()).isEqualTo(403);
    }

    private static HttpResponse<String> put(String name, String json) {
        return Fixture.send(HttpRequest.newBuilder(URI.create(api + "/" + name))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    @Test
    void aLongInvalidValueIsEchoedOnceAndShortened() throws Exception {
        String huge = "9".repeat(20) + "x".repeat(10_000);

        HttpResponse<String> r = put(F1, "{\"value\":\"" + huge + "\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        String shown = huge.substring(0, 64) + "...";
        assertThat(r.body().split(java.util.regex.Pattern.quote(huge.substring(0, 64)), -1)).hasSize(2);
        assertThat(JSON.readTree(r.body()).path("error").asText()).contains("'" + shown + "'");
        assertThat(r.body().length()).isLessThan(600);
    }
}
