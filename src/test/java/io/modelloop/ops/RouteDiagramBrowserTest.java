package io.modelloop.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelloop.ModelLoop;
import io.modelloop.detection.ObjectVersion;
import io.modelloop.model.TrainingImages;
import io.modelloop.parameters.FileParameterStore;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.testing.Browser;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.Jolokia;
import io.modelloop.testing.RekognitionStubs;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Dimension;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The README's picture of the {@code detect} route: a diagram a browser draws from the read-only
 * Jolokia alone, after images took each branch of {@code notify-outcome} and the review branch of
 * {@code review-or-not}. Hawtio's own route diagram needs {@code dumpRoutesAsXml()}, an operation the
 * read-only policy refuses, so the page (src/test/resources/route-diagram.html) builds the diagram
 * from what Jolokia reads: the processor MBeans' Index and Level (the tree), a choice's ModelLabel
 * (its branches) and each step's ExchangesTotal. A small HTTP server serves the page and passes its
 * POSTs to /observe/jolokia, as a standalone Hawtio proxies its connections.
 *
 * <p>The screenshot goes to target/screenshots/detect-route.png; with
 * {@code -Dmodelloop.screenshots=update} also to docs/screenshots/detect-route.png (the README's).
 */
class RouteDiagramBrowserTest {

    static final String ROUTE = "detect";
    static final Path README_IMAGE = Path.of("docs", "screenshots", "detect-route.png");

    @TempDir
    static Path data;
    static RekognitionStubs rek;
    static ModelLoop loop;
    static HttpServer page;
    static Jolokia jolokia;

    @BeforeAll
    static void start() throws Exception {
        rek = RekognitionStubs.start("modelloop");
        rek.projectExists();
        // the model is unsure of every image: 55 % is below the default threshold of 70
        String version = rek.version("v1").completesWithF1(0.9).detects("cat", 55.0, "dog", 45.0).alreadyRunning().arn();
        new SystemStateRepository(new FileParameterStore(data.resolve("parameters.properties")), Clock.systemUTC())
                .update(s -> s.withRunningModelVersion(version));
        Map<String, String> settings = new HashMap<>(rek.settings());
        settings.put("modelloop.model.backend", "rekognition");
        loop = Fixture.startLocal(data, settings);
        String mgmt = Fixture.managementBase(loop);
        jolokia = new Jolokia(mgmt);
        page = diagramServer(mgmt + "/observe/jolokia/" + Jolokia.HAWTIO_QUERY);
    }

    @AfterAll
    static void stop() {
        if (page != null) {
            page.stop(0);
        }
        if (loop != null) {
            loop.close();
        }
        if (rek != null) {
            rek.close();
        }
    }

    /** Serves route-diagram.html and passes POST /jolokia on to the agent. */
    static HttpServer diagramServer(String agent) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Fixture.freePort()), 0);
        server.createContext("/route-diagram.html", x -> {
            try (InputStream in = RouteDiagramBrowserTest.class.getResourceAsStream("/route-diagram.html")) {
                reply(x, 200, "text/html; charset=utf-8", in.readAllBytes());
            }
        });
        server.createContext("/jolokia", x -> {
            if (!"POST".equals(x.getRequestMethod())) {
                reply(x, 405, "text/plain", new byte[0]);
                return;
            }
            HttpResponse<String> r = Fixture.send(HttpRequest.newBuilder(URI.create(agent))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(x.getRequestBody().readAllBytes())).build());
            reply(x, r.statusCode(), "application/json", r.body().getBytes(StandardCharsets.UTF_8));
        });
        server.start();
        return server;
    }

    static void reply(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            x.getResponseBody().write(body);
        }
        x.close();
    }

    /** Puts an object outside images_for_detection/ (the trigger leaves it alone) and detects it. */
    static void detect(String name, byte[] body) {
        String bucket = loop.settings().bucket();
        String key = "diagram/" + name;
        String etag = loop.s3().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body)).eTag().replace("\"", "");
        loop.camel().createProducerTemplate().sendBody("direct:" + ROUTE,
                new ObjectVersion(bucket, key, etag, null, (long) body.length, Instant.now()));
    }

    static byte[] png(String kind, int seed) {
        return TrainingImages.encode(TrainingImages.draw(kind, new Random(seed)), "png");
    }

    /** Each processor of the route with its ExchangesTotal, as Jolokia reads them. */
    static Map<String, Long> totals() {
        JsonNode answer = jolokia.bulk(Jolokia.request("read")
                .put("mbean", "org.apache.camel:context=modelloop,type=processors,*")
                .set("attribute", Jolokia.JSON.createArrayNode().add("RouteId").add("ProcessorId").add("ExchangesTotal"))).get(0);
        assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(200);
        Map<String, Long> totals = new TreeMap<>();
        answer.path("value").forEach(p -> {
            if (p.path("RouteId").asText().equals(ROUTE)) {
                totals.put(p.path("ProcessorId").asText(), p.path("ExchangesTotal").asLong());
            }
        });
        return totals;
    }

    /** What the page shows: each step (id, detail line, counter, the lane it sits in, where). */
    static final String STEPS = """
            return [...document.querySelectorAll('#diagram g.node')].map(g => {
              const box = g.querySelector(':scope > rect.box').getBoundingClientRect();
              const lane = g.parentElement.closest('g.lane');
              return {id: g.querySelector(':scope > text.id').textContent,
                detail: g.querySelector(':scope > text.detail').textContent,
                count: g.querySelector(':scope > g.count text').textContent,
                lane: lane ? lane.dataset.of + '#' + lane.dataset.index : '',
                x: box.x, y: box.y, right: box.right, bottom: box.bottom};
            });""";

    /** What the page shows of a choice's branches: label, counter, the steps in it, where. */
    static final String BRANCHES = """
            return [...document.querySelectorAll('#diagram g.lane.branch')].map(g => {
              const label = g.querySelector(':scope > text.branch-label');
              const box = label.getBoundingClientRect();
              return {of: g.dataset.of, label: label.textContent,
                count: g.querySelector(':scope > g.count text').textContent,
                steps: [...g.querySelectorAll(':scope > g.node > text.id')].map(t => t.textContent),
                x: box.x, y: box.y};
            });""";

    @Test
    @SuppressWarnings("unchecked")
    void theDetectRouteIsDrawnWithItsChoicesAndACounterOnEveryBranch() throws Exception {
        // two images the model is unsure of (classified, sent to review), one that is no image
        // (rejected), then one while no model runs (recorded NO_MODEL)
        detect("unsure-1.png", png(TrainingImages.CIRCLE, 1));
        detect("unsure-2.png", png(TrainingImages.STRIPES, 2));
        detect("not-an-image.png", "no PNG or JPEG magic bytes here".getBytes(StandardCharsets.UTF_8));
        loop.systemState().update(s -> s.withRunningModelVersion(null));
        detect("no-model.png", png(TrainingImages.CIRCLE, 3));

        Map<String, Long> totals = totals();
        assertThat(totals).containsEntry("once-per-object-version", 4L).containsEntry("review-or-not", 4L)
                .containsEntry("send-to-review", 2L).containsEntry("notify-outcome", 4L)
                .containsEntry("notify-classified", 2L).containsEntry("notify-rejected", 1L)
                .containsEntry("notify-no-model", 1L).containsEntry("classify", 3L);

        String base = "http://127.0.0.1:" + page.getAddress().getPort();
        try (Browser b = new Browser(base)) {
            b.open("/route-diagram.html?route=" + ROUTE);
            b.waitUntil(d -> !"".equals(b.script("return document.body.dataset.ready || ''")));
            assertThat(b.script("return document.body.dataset.ready")).as(String.valueOf(
                    b.script("return document.getElementById('error').textContent"))).isEqualTo("true");

            List<Map<String, Object>> steps = (List<Map<String, Object>>) b.script(STEPS);
            List<Map<String, Object>> branches = (List<Map<String, Object>>) b.script(BRANCHES);
            Map<String, Map<String, Object>> byId = new TreeMap<>();
            steps.forEach(s -> byId.put((String) s.get("id"), s));

            // every processor of the route is drawn once, with the counter its MBean has
            assertThat(steps).hasSize(totals.size());
            assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(totals.keySet());
            totals.forEach((id, total) -> assertThat(byId.get(id).get("count")).as(id).isEqualTo(String.valueOf(total)));
            assertThat(totals()).as("no exchange went through while the page read").isEqualTo(totals);

            // the choices and their branches
            assertThat(byId.get("review-or-not").get("detail")).isEqualTo("choice");
            assertThat(byId.get("notify-outcome").get("detail")).isEqualTo("choice");
            assertThat(branches).extracting(m -> m.get("of") + " | " + m.get("label") + " | " + m.get("count") + " | " + m.get("steps"))
                    .containsExactly(
                            "review-or-not | when ${body.needsReview} | 2 | [send-to-review]",
                            "notify-outcome | when ${body.outcome} == 'CLASSIFIED' | 2 | [notify-classified]",
                            "notify-outcome | when ${body.outcome} == 'REJECTED' | 1 | [notify-rejected]",
                            "notify-outcome | otherwise | 1 | [notify-no-model]");
            assertThat(byId.get("send-to-review").get("lane")).isEqualTo("review-or-not#0");
            assertThat(byId.get("notify-no-model").get("lane")).isEqualTo("notify-outcome#2");
            // the steps of the body in order under the idempotent consumer; the error handlers beside it
            assertThat(byId.get("validate").get("lane")).isEqualTo("once-per-object-version#0");
            assertThat(byId.get("fail-run").get("lane")).isEqualTo("");

            // drawn as a diagram: notify-outcome's branches side by side below it, the main steps one above the other
            List<Map<String, Object>> outcome = branches.stream().filter(m -> m.get("of").equals("notify-outcome")).toList();
            double choiceBottom = num(byId.get("notify-outcome").get("bottom"));
            for (int i = 0; i < outcome.size(); i++) {
                assertThat(num(outcome.get(i).get("y"))).isGreaterThan(choiceBottom).isEqualTo(num(outcome.get(0).get("y")));
                if (i > 0) {
                    assertThat(num(outcome.get(i).get("x"))).isGreaterThan(num(outcome.get(i - 1).get("x")));
                }
            }
            List<String> main = List.of("start-run", "validate", "valid-image", "record", "recorded-by-another-delivery",
                    "review-or-not", "finish-run", "notify-outcome");
            for (int i = 1; i < main.size(); i++) {
                Map<String, Object> above = byId.get(main.get(i - 1));
                Map<String, Object> below = byId.get(main.get(i));
                assertThat(num(below.get("y"))).as(main.get(i)).isGreaterThan(num(above.get("bottom")));
                assertThat(num(below.get("x"))).as(main.get(i)).isEqualTo(num(above.get("x")));
            }

            // the whole diagram in the screenshot
            long width = ((Number) b.script("return document.documentElement.scrollWidth")).longValue();
            long height = ((Number) b.script("return document.documentElement.scrollHeight")).longValue();
            // the window's size counts its frame: add what the page does not get of it
            long frameW = ((Number) b.script("return window.outerWidth - window.innerWidth")).longValue();
            long frameH = ((Number) b.script("return window.outerHeight - window.innerHeight")).longValue();
            b.driver().manage().window().setSize(new Dimension((int) (Math.max(1280, width) + frameW), (int) (height + frameH)));
            assertThat(((Number) b.script("return window.innerHeight")).longValue()).isGreaterThanOrEqualTo(height);
            assertThat(((Number) b.script("return window.innerWidth")).longValue()).isGreaterThanOrEqualTo(width);
            Path shot = b.screenshot("detect-route");
            if ("update".equals(System.getProperty("modelloop.screenshots"))) {
                Files.createDirectories(README_IMAGE.getParent());
                Files.copy(shot, README_IMAGE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static double num(Object o) {
        return ((Number) o).doubleValue();
    }
}
