package io.modelloop.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelloop.ModelLoop;
import io.modelloop.detection.Detection;
import io.modelloop.detection.DetectionQuery;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.detection.HumanLoop;
import io.modelloop.testing.Browser;
import io.modelloop.testing.Fixture;
import java.awt.Color;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Whoever can write to the bucket must not run script in the console's origin: an HTML page and a
 * script uploaded under images_for_detection/ with text/html and text/javascript types are opened
 * through the image endpoints in a real Chromium signed in as the operator.
 */
class ImageEndpointsBrowserTest {

    static final String PARAM = ParameterDefinition.HUMAN_SAMPLING_INTERVAL;

    @TempDir
    static Path data;
    static ModelLoop loop;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        loop = Fixture.startLocal(data, Map.of("modelloop.poll.interval-ms", "200"));
        base = Fixture.httpBase(loop);
    }

    @AfterAll
    static void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    static void put(String key, String contentType, byte[] body) {
        loop.s3().putObject(b -> b.bucket(loop.settings().bucket()).key(key).contentType(contentType), RequestBody.fromBytes(body));
    }

    static Detection detected(String key) {
        Detection[] found = new Detection[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> (found[0] = loop.detectionStore().query(DetectionQuery.all(100))
                .detections().stream().filter(d -> key.equals(d.key())).findFirst().orElse(null)) != null);
        return found[0];
    }

    @Test
    void anHtmlPageAndAScriptFromTheBucketNeverRunInTheConsole() {
        // the script the page loads: reads the CSRF token, changes a parameter and marks the page
        String js = "document.title = 'XSS-RAN';"
                + "fetch('/api/session').then(r => r.json()).then(s => fetch('/api/parameters/" + PARAM + "', {method: 'PUT',"
                + " headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf}, body: JSON.stringify({value: '9999'})}))"
                + ".then(() => { document.body.setAttribute('data-xss', 'done'); });";
        put("images_for_detection/evil.js", "text/javascript", js.getBytes());
        Detection script = detected("images_for_detection/evil.js");
        String html = "<!doctype html><html><head><title>page</title>"
                + "<script src=\"/api/detections/" + script.id() + "/image\"></script></head>"
                + "<body><p id=\"page\">loaded</p><script>document.title = 'XSS-RAN'</script></body></html>";
        put("images_for_detection/evil.html", "text/html", html.getBytes());
        Detection page = detected("images_for_detection/evil.html");
        String before = loop.parameters().values().get(PARAM);

        try (Browser b = new Browser(base)) {
            b.signIn(Fixture.OPERATOR);
            b.open("/api/detections/" + page.id() + "/image");
            b.waitUntil(d -> "complete".equals(b.script("return document.readyState")));
            b.screenshot("image-endpoint-html");
            assertThat(b.driver().getTitle()).isNotEqualTo("XSS-RAN");
            assertThat(b.script("return document.getElementById('page')")).isNull();
            assertThat(b.script("return document.body && document.body.getAttribute('data-xss')")).isNull();

            b.open("/api/detections/" + script.id() + "/image");
            b.waitUntil(d -> "complete".equals(b.script("return document.readyState")));
            assertThat(b.driver().getTitle()).isNotEqualTo("XSS-RAN");

            // the console itself still shows real images: PNG bytes stored with a wrong type as well
            put("images_for_detection/photo.png", "text/html", ReviewPagesBrowserTest.png(Color.ORANGE, 0));
            Detection photo = detected("images_for_detection/photo.png");
            b.open("/console/");
            Object width = b.waitFor(d -> b.script("return new Promise(ok => { const i = new Image();"
                    + " i.onload = () => ok(i.naturalWidth); i.onerror = () => ok(-1);"
                    + " i.src = '/api/detections/" + photo.id() + "/image'; })"));
            assertThat(((Number) width).intValue()).isEqualTo(800);
        }
        assertThat(loop.parameters().values().get(PARAM)).isEqualTo(before);
    }

    @Test
    void onlyPngAndJpegBytesAreServedWithTheirOwnTypeAndSandboxed() {
        put("images_for_detection/not-a-png.png", "image/png", "<svg onload=alert(1)>".getBytes());
        Detection fake = detected("images_for_detection/not-a-png.png");
        HttpResponse<String> refused = Fixture.get(base + "/api/detections/" + fake.id() + "/image");
        assertThat(refused.statusCode()).isEqualTo(415);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/json");

        put("images_for_detection/x\"y;z.png", "text/html", ReviewPagesBrowserTest.png(Color.GRAY, 1));
        Detection real = detected("images_for_detection/x\"y;z.png");
        HttpResponse<String> ok = Fixture.get(base + "/api/detections/" + real.id() + "/image");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(ok.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(ok.headers().firstValue("Content-Security-Policy")).hasValue("sandbox; default-src 'none'");
        assertThat(ok.headers().firstValue("Content-Disposition")).hasValue("inline; filename=\"x_y_z.png\"");

        assertThat(Fixture.get(base + "/api/detections/det-missing/image").statusCode()).isEqualTo(404);
    }

    @Test
    void theReviewImageEndpointRefusesAnHtmlObjectToo() {
        String key = "incoming/review-evil.html";
        put(key, "text/html", "<script>document.title='XSS-RAN'</script>".getBytes());
        Instant now = Instant.now();
        String bucket = loop.settings().bucket();
        loop.detectionStore().insertIfAbsent(Detection.builder().id("det-rev-evil").objectKey("det-rev-evil")
                .detectedAt(now).bucket(bucket).key(key).etag("etag-x").modelVersion("v1")
                .outcome(Detection.Outcome.CLASSIFIED).label("cat").confidence(40.0).threshold(70.0).reviewEnabled(true)
                .uploadedAt(now).build());
        HumanLoop l = HumanLoop.open(HumanLoop.A2I_WORKFLOW, "det-rev-evil", "cat", 40.0, bucket, key, List.of("cat"), now);
        loop.humanReview().start(l);

        HttpResponse<String> r = Fixture.get(base + "/api/reviews/" + l.name() + "/image");
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    }
}
