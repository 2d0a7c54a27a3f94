package io.modelloop.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelloop.ModelLoop;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.Jolokia;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management server of a running instance, as a Kubernetes probe, a Prometheus scraper and
 * Hawtio see it: health, metrics, and a Jolokia agent that can browse but not change anything.
 */
class ManagementEndpointsTest {

    @TempDir
    static Path data;

    static ModelLoop loop;
    static String mgmt;
    static Jolokia jolokia;

    @BeforeAll
    static void start() throws Exception {
        loop = Fixture.startLocal(data, Map.of());
        mgmt = Fixture.managementBase(loop);
        jolokia = new Jolokia(mgmt);
    }

    @AfterAll
    static void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    // ---- health -------------------------------------------------------------------------

    @Test
    void healthLiveAndReadyAnswerUp() {
        for (String path : List.of("/observe/health", "/observe/health/live", "/observe/health/ready")) {
            HttpResponse<String> r = Fixture.get(mgmt + path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(Jolokia.parse(r.body()).path("status").asText()).as(path).isEqualTo("UP");
        }
    }

    @Test
    void readinessIsMadeOfTheObjectStoreAndParametersChecksButNotTheNotificationSinks() {
        Map<String, String> ready = checks("/observe/health/ready?exposureLevel=full");
        assertThat(ready).containsEntry("object-store", "UP").containsEntry("parameters", "UP")
                .containsEntry("context", "UP").containsEntry("route:parameters-refresh", "UP")
                .doesNotContainKey("notification-sinks");

        // a broken mail relay must not take the pod out of service, but an operator sees it in the full list
        Map<String, String> all = checks("/observe/health?exposureLevel=full");
        assertThat(all).containsEntry("notification-sinks", "UP").containsKeys("object-store", "parameters");

        // an object-store outage must not make Kubernetes restart the pod
        Map<String, String> live = checks("/observe/health/live?exposureLevel=full");
        assertThat(live).doesNotContainKeys("object-store", "parameters", "notification-sinks");
    }

    private static Map<String, String> checks(String path) {
        HttpResponse<String> r = Fixture.get(mgmt + path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        Map<String, String> byName = new java.util.LinkedHashMap<>();
        for (JsonNode c : Jolokia.parse(r.body()).path("checks")) {
            byName.put(c.path("name").asText(), c.path("status").asText());
        }
        return byName;
    }

    // ---- metrics ------------------------------------------------------------------------

    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\",?)*\\})? -?([0-9.eE+-]+|NaN|\\+Inf|-Inf)");

    @Test
    void metricsArePrometheusTextWithRouteAndJvmMetrics() {
        HttpResponse<String> r = Fixture.get(mgmt + "/observe/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));

        List<String> malformed = new ArrayList<>();
        r.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .filter(l -> !SAMPLE.matcher(l).matches()).forEach(malformed::add);
        assertThat(malformed).as("lines that are not Prometheus samples").isEmpty();
        assertThat(r.body()).contains("# TYPE camel_exchanges_total counter", "# TYPE jvm_memory_used_bytes gauge");
        // one heap pool (e.g. the old generation before any promotion) can be 0; the heap as a whole cannot
        assertThat(sum(r.body(), "jvm_memory_used_bytes", "area=\"heap\"")).isPositive();
        assertThat(sample(r.body(), "jvm_threads_live_threads", "")).isPositive();

        // the parameters file is polled every second: its route counter keeps going up between scrapes
        double first = sample(r.body(), "camel_exchanges_total", "routeId=\"parameters-refresh\"");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(sample(Fixture.get(mgmt + "/observe/metrics").body(), "camel_exchanges_total",
                        "routeId=\"parameters-refresh\"")).isGreaterThanOrEqualTo(first + 2));
    }

    @Test
    void metricsCountExchangesOfTheNotifyRoute() {
        double before = sample(Fixture.get(mgmt + "/observe/metrics").body(), "camel_exchanges_total", "routeId=\"notify\"");
        loop.camel().createProducerTemplate().sendBody("direct:training-check", "metrics probe");
        loop.parameters().set("Human-Sampling-Interval", "999"); // notifies a parameter change
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(sample(Fixture.get(mgmt + "/observe/metrics").body(), "camel_exchanges_total",
                        "routeId=\"notify\"")).isGreaterThan(before));
    }

    /** Value of the first sample of a metric whose labels contain the given text. */
    static double sum(String body, String metric, String labelContains) {
        Matcher m = Pattern.compile("^" + Pattern.quote(metric) + "(\\{([^}]*)\\})? (\\S+)$", Pattern.MULTILINE).matcher(body);
        double total = 0;
        while (m.find()) {
            if ((m.group(2) == null ? "" : m.group(2)).contains(labelContains)) {
                total += Double.parseDouble(m.group(3));
            }
        }
        return total;
    }

    static double sample(String body, String metric, String labelContains) {
        Pattern p = Pattern.compile("^" + Pattern.quote(metric) + "(\\{([^}]*)\\})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = p.matcher(body);
        while (m.find()) {
            String labels = m.group(2) == null ? "" : m.group(2);
            if (labels.contains(labelContains)) {
                return Double.parseDouble(m.group(3));
            }
        }
        throw new AssertionError("no sample " + metric + "{..." + labelContains + "...} in /observe/metrics");
    }

    // ---- Jolokia (Hawtio) ---------------------------------------------------------------

    @Test
    void searchFindsTheCamelContextAndRouteMBeans() {
        JsonNode contexts = jolokia.call(Jolokia.request("search").put("mbean", "org.apache.camel:type=context,*"));
        assertThat(contexts.path("status").asInt()).isEqualTo(200);
        assertThat(texts(contexts.path("value"))).containsExactly(Jolokia.CONTEXT_MBEAN);

        JsonNode routes = jolokia.call(Jolokia.request("search").put("mbean", "org.apache.camel:type=routes,*"));
        assertThat(texts(routes.path("value"))).contains(Jolokia.routeMBean("parameters-refresh"),
                Jolokia.routeMBean("notify"), Jolokia.routeMBean("training-check"), Jolokia.routeMBean("api-status"));

        JsonNode everything = jolokia.call(Jolokia.request("search").put("mbean", "*:*"));
        assertThat(texts(everything.path("value"))).contains(Jolokia.CONTEXT_MBEAN, "java.lang:type=Memory");
    }

    @Test
    void readsTheCamelContextAndARoute() {
        JsonNode state = jolokia.read(Jolokia.CONTEXT_MBEAN, "State");
        assertThat(state.path("status").asInt()).isEqualTo(200);
        assertThat(state.path("value").asText()).isEqualTo("Started");
        assertThat(jolokia.read(Jolokia.CONTEXT_MBEAN, "CamelId").path("value").asText()).isEqualTo("modelloop");

        String route = Jolokia.routeMBean("parameters-refresh");
        assertThat(jolokia.read(route, "State").path("value").asText()).isEqualTo("Started");
        assertThat(jolokia.read(route, "EndpointUri").path("value").asText()).startsWith("timer://parameters-refresh");
        // a read without an attribute returns them all, as Hawtio's attribute table does
        JsonNode all = jolokia.call(Jolokia.request("read").put("mbean", route));
        assertThat(all.path("value").path("RouteId").asText()).isEqualTo("parameters-refresh");
    }

    @Test
    void listDescribesMBeans() {
        JsonNode list = jolokia.call(Jolokia.request("list"));
        assertThat(list.path("status").asInt()).isEqualTo(200);
        assertThat(list.path("value").has("org.apache.camel")).isTrue();
        assertThat(list.path("value").has("java.lang")).isTrue();

        JsonNode route = jolokia.call(Jolokia.request("list")
                .put("path", "org.apache.camel/context=modelloop,type=routes,name=\"parameters-refresh\""));
        assertThat(route.path("status").asInt()).isEqualTo(200);
        assertThat(route.path("value").path("attr").has("State")).isTrue();
        assertThat(route.path("value").path("op").has("stop")).isTrue();
    }

    @Test
    void writesAreRefusedAndTheAttributeKeepsItsValue() {
        String route = Jolokia.routeMBean("parameters-refresh");
        assertThat(jolokia.read(route, "StatisticsEnabled").path("value").asBoolean()).isTrue();

        JsonNode write = jolokia.call(Jolokia.request("write").put("mbean", route)
                .put("attribute", "StatisticsEnabled").put("value", false));
        assertThat(write.path("status").asInt()).isEqualTo(403);
        assertThat(write.path("error").asText()).contains("forbidden");
        assertThat(jolokia.read(route, "StatisticsEnabled").path("value").asBoolean()).isTrue();
    }

    @Test
    void execIsRefusedAndTheRouteKeepsRunning() {
        String route = Jolokia.routeMBean("parameters-refresh");
        long before = jolokia.read(route, "ExchangesTotal").path("value").asLong();

        JsonNode stop = jolokia.call(Jolokia.request("exec").put("mbean", route).put("operation", "stop()"));
        assertThat(stop.path("status").asInt()).isEqualTo(403);
        JsonNode gc = jolokia.call(Jolokia.request("exec").put("mbean", "java.lang:type=Memory").put("operation", "gc"));
        assertThat(gc.path("status").asInt()).isEqualTo(403);
        JsonNode stopContext = jolokia.call(Jolokia.request("exec").put("mbean", Jolokia.CONTEXT_MBEAN).put("operation", "stop"));
        assertThat(stopContext.path("status").asInt()).isEqualTo(403);

        // GET-style requests go through the same policy
        HttpResponse<String> get = Fixture.get(mgmt + "/observe/jolokia/exec/java.lang:type=Memory/gc");
        assertThat(Jolokia.parse(get.body()).path("status").asInt()).isEqualTo(403);

        // a Hawtio bulk request: the read is answered, the exec refused
        var bulk = Jolokia.JSON.createArrayNode()
                .add(Jolokia.request("read").put("mbean", route).put("attribute", "State"))
                .add(Jolokia.request("exec").put("mbean", route).put("operation", "suspend()"));
        JsonNode answers = Jolokia.parse(jolokia.post(bulk).body());
        assertThat(answers.get(0).path("status").asInt()).isEqualTo(200);
        assertThat(answers.get(1).path("status").asInt()).isEqualTo(403);

        assertThat(loop.camel().getRouteController().getRouteStatus("parameters-refresh")).isEqualTo(ServiceStatus.Started);
        assertThat(loop.camel().getStatus()).isEqualTo(ServiceStatus.Started);
        assertThat(jolokia.read(route, "State").path("value").asText()).isEqualTo("Started");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(jolokia.read(route, "ExchangesTotal").path("value").asLong()).isGreaterThan(before));
    }

    @Test
    void diagnosticMBeansAreHidden() {
        JsonNode flags = jolokia.read("com.sun.management:type=HotSpotDiagnostic", "DiagnosticOptions");
        assertThat(flags.path("status").asInt()).isEqualTo(403);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
