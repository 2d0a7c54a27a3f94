package io.modelloop.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelloop.ModelLoop;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.Jolokia;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hawtio session against an instance configured as the Kubernetes Deployment configures a pod
 * (k8s/base/deployment.yaml): basic authentication from a mounted file on {@code /observe/jolokia/*}
 * only, so the kubelet's probes and Prometheus need no password while Hawtio does. Hawtio talks to
 * Jolokia in POSTed JSON bulk requests with its processing parameters; the read-only policy
 * answers its browsing and refuses every write and operation, whoever is signed in.
 */
class HawtioJolokiaTest {

    @TempDir
    static Path dir;

    static ModelLoop loop;
    static String mgmt;
    static Jolokia hawtio;

    static final String ROUTE = "parameters-refresh";

    @BeforeAll
    static void start() throws Exception {
        // the Secret modelloop-management-auth's management-users.properties, as the README makes it
        Path auth = dir.resolve("management-users.properties");
        Files.writeString(auth, "user.hawtio=s3cret-for-hawtio,viewer\nrole.viewer=*\n");
        loop = Fixture.startLocal(dir.resolve("data"), Map.of(
                "modelloop.management.auth-file", auth.toString(),
                "modelloop.management.auth-path", "/observe/jolokia/*"));
        mgmt = Fixture.managementBase(loop);
        hawtio = new Jolokia(mgmt, "hawtio", "s3cret-for-hawtio");
    }

    @AfterAll
    static void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(mgmt + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return Fixture.send(b.build());
    }

    private static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
    }

    @Test
    void probesAndScrapesNeedNoPasswordJolokiaDoes() {
        for (String open : List.of("/observe/health/live", "/observe/health/ready", "/observe/metrics")) {
            assertThat(send("GET", open, null, null).statusCode()).as(open).isEqualTo(200);
        }
        String bulk = "[{\"type\":\"read\",\"mbean\":\"" + Jolokia.CONTEXT_MBEAN.replace("\"", "\\\"") + "\"}]";
        for (String path : List.of("/observe/jolokia", "/observe/jolokia/", "/observe/jolokia/version",
                "/observe/jolokia/" + Jolokia.HAWTIO_QUERY)) {
            for (String auth : new String[] {null, basic("hawtio", "wrong"), basic("nobody", "s3cret-for-hawtio")}) {
                HttpResponse<String> get = send("GET", path, auth, null);
                assertThat(get.statusCode()).as("GET %s with %s", path, auth).isEqualTo(401);
                assertThat(get.body()).doesNotContain("modelloop", "java.lang");
                HttpResponse<String> post = send("POST", path, auth, bulk);
                assertThat(post.statusCode()).as("POST %s with %s", path, auth).isEqualTo(401);
                assertThat(post.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).startsWith("Basic"));
            }
        }
        assertThat(send("GET", "/observe/jolokia/version", basic("hawtio", "s3cret-for-hawtio"), null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void hawtioConnectsAndBrowsesTheCamelContext() {
        List<JsonNode> answers = hawtio.bulk(
                Jolokia.request("version"),
                Jolokia.request("search").put("mbean", "org.apache.camel:type=routes,*"),
                Jolokia.request("read").put("mbean", Jolokia.CONTEXT_MBEAN).set("attribute",
                        Jolokia.JSON.createArrayNode().add("CamelId").add("CamelVersion").add("State").add("ExchangesTotal")),
                Jolokia.request("list").put("path", "org.apache.camel"));
        assertThat(answers).allSatisfy(a -> assertThat(a.path("status").asInt()).as(a.toString()).isEqualTo(200));

        assertThat(answers.get(0).path("value").path("agent").asText()).isNotBlank();

        List<String> routes = texts(answers.get(1).path("value"));
        assertThat(routes).contains(Jolokia.routeMBean(ROUTE), Jolokia.routeMBean("notify"));

        JsonNode context = answers.get(2).path("value");
        assertThat(context.path("CamelId").asText()).isEqualTo("modelloop");
        assertThat(context.path("CamelVersion").asText()).startsWith("4.18");
        assertThat(context.path("State").asText()).isEqualTo("Started");
        assertThat(context.path("ExchangesTotal").asLong()).isPositive();

        // the JMX tree under org.apache.camel: the context, each route with its attributes and operations
        JsonNode tree = answers.get(3).path("value");
        List<String> names = new ArrayList<>();
        tree.fieldNames().forEachRemaining(names::add);
        String routeKey = names.stream().filter(n -> n.contains("type=routes") && n.contains(ROUTE)).findFirst()
                .orElseThrow(() -> new AssertionError("no route " + ROUTE + " in " + names));
        assertThat(tree.path(routeKey).path("attr").has("ExchangesTotal")).isTrue();
        assertThat(tree.path(routeKey).path("op").has("stop")).isTrue();
        assertThat(names).anyMatch(n -> n.contains("type=context"));
    }

    @Test
    void hawtioReadsTheRouteTableInOneRequest() {
        // Hawtio's route list: one pattern read of every route's statistics
        List<JsonNode> answers = hawtio.bulk(
                Jolokia.request("read").put("mbean", "org.apache.camel:context=modelloop,type=routes,*")
                        .set("attribute", Jolokia.JSON.createArrayNode().add("RouteId").add("State")
                                .add("ExchangesTotal").add("ExchangesFailed").add("MeanProcessingTime")),
                Jolokia.request("read").put("mbean", Jolokia.routeMBean(ROUTE)).put("attribute", "ExchangesTotal"));
        JsonNode table = answers.get(0);
        assertThat(table.path("status").asInt()).isEqualTo(200);
        JsonNode row = table.path("value").path(Jolokia.routeMBean(ROUTE));
        assertThat(row.path("RouteId").asText()).isEqualTo(ROUTE);
        assertThat(row.path("State").asText()).isEqualTo("Started");
        assertThat(row.has("ExchangesFailed")).isTrue();
        assertThat(table.path("value").size()).isGreaterThan(5);
        assertThat(answers.get(1).path("value").asLong()).isGreaterThanOrEqualTo(row.path("ExchangesTotal").asLong());
    }

    @Test
    void writesAndOperationsAreRefusedAndTheRouteKeepsRunning() {
        String route = Jolokia.routeMBean(ROUTE);
        long before = hawtio.read(route, "ExchangesTotal").path("value").asLong();

        List<JsonNode> answers = hawtio.bulk(
                Jolokia.request("read").put("mbean", route).put("attribute", "State"),
                // Hawtio's route page: Stop, Suspend; its attribute editor; the context's buttons
                Jolokia.request("exec").put("mbean", route).put("operation", "stop()"),
                Jolokia.request("exec").put("mbean", route).put("operation", "suspend()"),
                Jolokia.request("write").put("mbean", route).put("attribute", "StatisticsEnabled").put("value", false),
                Jolokia.request("write").put("mbean", Jolokia.CONTEXT_MBEAN).put("attribute", "Tracing").put("value", true),
                Jolokia.request("exec").put("mbean", Jolokia.CONTEXT_MBEAN).put("operation", "stop()"),
                Jolokia.request("exec").put("mbean", "java.lang:type=Memory").put("operation", "gc()"));
        assertThat(answers.get(0).path("status").asInt()).isEqualTo(200);
        assertThat(answers.get(0).path("value").asText()).isEqualTo("Started");
        for (JsonNode refused : answers.subList(1, answers.size())) {
            assertThat(refused.path("status").asInt()).as(refused.path("request").toString()).isEqualTo(403);
        }

        assertThat(loop.camel().getRouteController().getRouteStatus(ROUTE)).isEqualTo(ServiceStatus.Started);
        assertThat(loop.camel().getStatus()).isEqualTo(ServiceStatus.Started);
        assertThat(loop.camel().isTracing()).isFalse();
        assertThat(hawtio.read(route, "StatisticsEnabled").path("value").asBoolean()).isTrue();
        // the parameters file is still checked every second
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(hawtio.read(route, "ExchangesTotal").path("value").asLong()).isGreaterThan(before + 1));
    }

    @Test
    void theDetectionRouteShowsItsStepsAndACounterPerBranch() {
        // an image outside images_for_detection/ (the trigger leaves it alone), detected while no model runs
        String key = "hawtio/probe.png";
        byte[] png = io.modelloop.model.TrainingImages.encode(io.modelloop.model.TrainingImages.draw(
                io.modelloop.model.TrainingImages.CIRCLE, new java.util.Random(1)), "png");
        String etag = loop.s3().putObject(b -> b.bucket(loop.settings().bucket()).key(key),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(png)).eTag().replace("\"", "");
        loop.camel().createProducerTemplate().sendBody("direct:detect", new io.modelloop.detection.ObjectVersion(
                loop.settings().bucket(), key, etag, null, (long) png.length, java.time.Instant.now()));

        // Hawtio's route diagram and its counters: one pattern read of the route's processors
        JsonNode answer = hawtio.bulk(Jolokia.request("read")
                .put("mbean", "org.apache.camel:context=modelloop,type=processors,*")
                .set("attribute", Jolokia.JSON.createArrayNode().add("RouteId").add("ProcessorId").add("ProcessorName")
                        .add("Level").add("Index").add("ExchangesCompleted"))).get(0);
        assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(200);
        java.util.Map<String, JsonNode> steps = new java.util.TreeMap<>();
        answer.path("value").forEach(p -> {
            if (p.path("RouteId").asText().equals("detect")) {
                steps.put(p.path("ProcessorId").asText(), p);
            }
        });
        assertThat(steps).containsKeys("once-per-object-version", "validate", "classify", "record", "review-or-not",
                "send-to-review", "notify-outcome", "notify-classified", "notify-rejected", "notify-no-model");
        assertThat(steps.get("review-or-not").path("ProcessorName").asText()).isEqualTo("choice");
        assertThat(steps.get("send-to-review").path("Level").asInt())
                .as("a branch's step sits below its choice").isGreaterThan(steps.get("review-or-not").path("Level").asInt());
        assertThat(steps.get("notify-no-model").path("ExchangesCompleted").asLong()).isPositive();
        assertThat(steps.get("notify-classified").path("ExchangesCompleted").asLong()).isZero();
        assertThat(steps.get("send-to-review").path("ExchangesCompleted").asLong()).isZero();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
