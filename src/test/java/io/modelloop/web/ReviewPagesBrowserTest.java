package io.modelloop.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelloop.ModelLoop;
import io.modelloop.detection.Detection;
import io.modelloop.review.BuiltinReviewService;
import io.modelloop.detection.HumanLoop;
import io.modelloop.testing.Browser;
import io.modelloop.testing.Fixture;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The review page in a real headless Chromium against a real local-profile ModelLoop: a reviewer
 * answers loops with the mouse, the keyboard and a new label, and the review-results route copies
 * the images into the labeled folders of the bucket.
 */
class ReviewPagesBrowserTest {

    static final String XSS_LABEL = "<script>alert(1)</script>";
    static final String XSS_CHOICE = "<b>bold</b>";

    @TempDir
    static Path data;
    static ModelLoop loop;
    static String base;
    static String bucket;
    static int seq;

    @BeforeAll
    static void start() throws Exception {
        loop = Fixture.startLocal(data, Map.of("modelloop.review.results-interval-ms", "200"));
        base = Fixture.httpBase(loop);
        bucket = loop.settings().bucket();
        // two current labels
        put("images_labeled_by_folder/cat/seed.png", png(Color.ORANGE, 0));
        put("images_labeled_by_folder/dog/seed.png", png(Color.GRAY, 1));
    }

    @AfterAll
    static void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    /** Every test starts with an empty queue: loops another test left open are answered here. */
    @BeforeEach
    void emptyQueue() {
        for (HumanLoop l : service().openLoops(1000).loops()) {
            if (l.heldBy() != null) {
                service().release(l.name(), l.heldBy());
            }
            // straight in the store: no output
            loop.detectionStore().completeLoop(l.name(), HumanLoop.NONE_OF_THE_ABOVE, "cleanup", Instant.now());
        }
    }

    static BuiltinReviewService service() {
        return (BuiltinReviewService) loop.humanReview();
    }

    static void put(String key, byte[] body) {
        put(loop, key, body);
    }

    static void put(ModelLoop app, String key, byte[] body) {
        app.s3().putObject(b -> b.bucket(app.settings().bucket()).key(key).contentType("image/png"), RequestBody.fromBytes(body));
    }

    /** A picture big enough to look like a photo in the screenshots. */
    static byte[] png(Color color, int variant) {
        BufferedImage img = new BufferedImage(800, 600, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(0xE0F2FE), 0, 600, new Color(0x86EFAC)));
        g.fillRect(0, 0, 800, 600);
        g.setColor(color);
        g.fillOval(250 + variant * 40, 150, 300, 260);
        g.fillOval(260 + variant * 40, 90, 90, 120);
        g.fillOval(450 + variant * 40, 90, 90, 120);
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(6));
        g.drawLine(0, 480, 800, 480);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An open A2I loop on a recorded detection of a new image (not under images_for_detection/, so no detection runs). */
    static HumanLoop openLoop(String file, String detectedLabel, double confidence, List<String> labels, Instant createdAt) {
        return openLoop(loop, file, detectedLabel, confidence, labels, createdAt);
    }

    static HumanLoop openLoop(ModelLoop app, String file, String detectedLabel, double confidence, List<String> labels,
                              Instant createdAt) {
        return openLoop(app, file, detectedLabel, confidence, labels, createdAt, l -> l);
    }

    static HumanLoop openLoop(ModelLoop app, String file, String detectedLabel, double confidence, List<String> labels,
                              Instant createdAt, java.util.function.UnaryOperator<HumanLoop> change) {
        String id = "det-browser-" + (++seq);
        String key = "incoming/" + file;
        String bucket = app.settings().bucket();
        put(app, key, png(new Color(0x92400E), seq % 3));
        app.detectionStore().insertIfAbsent(Detection.builder().id(id).objectKey(id).detectedAt(createdAt)
                .bucket(bucket).key(key).etag("etag-" + id).modelVersion("v1").outcome(Detection.Outcome.CLASSIFIED)
                .label(detectedLabel).confidence(confidence).threshold(70.0).reviewEnabled(true).uploadedAt(createdAt)
                .build());
        HumanLoop l = change.apply(HumanLoop.open(HumanLoop.A2I_WORKFLOW, id, detectedLabel, confidence, bucket, key,
                labels, createdAt));
        app.humanReview().start(l);
        app.detectionStore().attachLoop(id, l.name(), l.source());
        return l;
    }

    static List<String> keysUnder(String prefix) {
        List<String> keys = new ArrayList<>();
        for (S3Object o : loop.s3().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            keys.add(o.key());
        }
        return keys;
    }

    static void awaitShown(Browser b, String file) {
        try {
            b.waitUntil(d -> {
                var shown = d.findElements(By.id("loop-file"));
                return !shown.isEmpty() && shown.get(0).isDisplayed() && file.equals(shown.get(0).getText());
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            b.screenshot("review-failed");
            throw new AssertionError(file + " not shown; the page says: " + b.find("body").getText(), e);
        }
    }

    static WebElement choice(Browser b, String label) {
        return b.all("#choices button.choice").stream().filter(e -> label.equals(e.getAttribute("data-label")))
                .findFirst().orElseThrow(() -> new AssertionError("no choice button " + label));
    }

    static HttpResponse<String> post(String path, String body) {
        return Fixture.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void aReviewerAnswersWithTheMouseTheKeyboardAndANewLabelAndTheImagesJoinTheTrainingSet() throws Exception {
        Instant t = Instant.now().minusSeconds(600);
        HumanLoop mouse = openLoop("meadow-1.png", "cat", 41.5, List.of("cat", "dog"), t);
        HumanLoop keys = openLoop("meadow-2.png", XSS_LABEL, 12.0, List.of("cat", "dog", XSS_CHOICE), t.plusSeconds(60));
        HumanLoop typed = openLoop("meadow-3.png", "dog", 55.0, List.of("cat", "dog"), t.plusSeconds(120));

        try (Browser b = new Browser(base)) {
            b.signIn(Fixture.REVIEWER);
            assertThat(b.driver().getCurrentUrl()).endsWith("/review/");
            awaitShown(b, "meadow-1.png");
            assertThat(b.find("#queue-count").getText()).isEqualTo("3");
            assertThat(b.find("#detected-label").getText()).isEqualTo("cat");
            assertThat(b.find("#detected-confidence").getText()).isEqualTo("41.5 %");
            assertThat(b.find("#loop-image").getAttribute("alt")).contains("meadow-1.png");
            assertThat(b.all("#choices button.choice").stream().map(e -> e.getAttribute("data-label")).toList())
                    .containsExactly("cat", "dog", HumanLoop.NONE_OF_THE_ABOVE);
            assertThat(choice(b, "dog").getText()).contains("2");
            assertThat(choice(b, HumanLoop.NONE_OF_THE_ABOVE).getText()).contains("0");
            b.waitUntil(d -> (Boolean) b.script("const i = document.getElementById('loop-image'); return i.complete && i.naturalWidth > 0;"));
            b.screenshot("review-laptop");

            // 1. the mouse: pick a label, then submit
            choice(b, "dog").click();
            assertThat(choice(b, "dog").getAttribute("aria-pressed")).isEqualTo("true");
            b.find("#submit").click();

            // 2. server text is text: the detected label and a label choice with markup characters
            awaitShown(b, "meadow-2.png");
            assertThat(b.find("#notice").getText()).contains("Saved", "dog");
            assertThat(b.find("#detected-label").getText()).isEqualTo(XSS_LABEL);
            assertThat(choice(b, XSS_CHOICE).getText()).contains(XSS_CHOICE);
            assertThat(b.all("main script, main b, #choices b")).isEmpty();
            assertThat((Long) b.script("return document.scripts.length;")).isEqualTo(2L);

            // the keyboard: choices are <b>bold</b>, cat, dog, None of the Above, so 2 is cat
            new Actions(b.driver()).sendKeys("2").perform();
            assertThat(choice(b, "cat").getAttribute("aria-pressed")).isEqualTo("true");
            new Actions(b.driver()).sendKeys(Keys.ENTER).perform();

            // 3. a new label, typed: digits typed there are text, not shortcuts; the page checks the rule first
            awaitShown(b, "meadow-3.png");
            b.phone();
            b.screenshot("review-phone");
            b.laptop();
            WebElement input = b.find("#new-label");
            input.sendKeys("../bad");
            input.sendKeys(Keys.ENTER);
            assertThat(b.find("#answer-message").getText()).contains("not a valid label");
            assertThat(service().loop(typed.name()).orElseThrow().status()).isEqualTo(HumanLoop.Status.OPEN);
            input.clear();
            input.sendKeys("zebra stripes 2");
            assertThat(b.all("#choices button[aria-pressed=true]")).isEmpty();
            input.sendKeys(Keys.ENTER);

            // nothing left: the friendly empty state
            b.waitUntil(d -> d.findElement(By.id("empty")).isDisplayed());
            assertThat(b.find("#empty h1").getText()).isEqualTo("Nothing to review");
        }

        assertThat(service().loop(mouse.name()).orElseThrow().answer()).isEqualTo("dog");
        assertThat(service().loop(keys.name()).orElseThrow().answer()).isEqualTo("cat");
        assertThat(service().loop(typed.name()).orElseThrow().answer()).isEqualTo("zebra stripes 2");
        assertThat(service().loop(typed.name()).orElseThrow().reviewer()).isEqualTo(Fixture.REVIEWER);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(keysUnder("images_labeled_by_folder/dog/humanLoopName-" + mouse.name() + "-")).singleElement()
                    .satisfies(k -> assertThat(k).endsWith("-meadow-1.png"));
            assertThat(keysUnder("images_labeled_by_folder/cat/humanLoopName-" + keys.name() + "-")).singleElement()
                    .satisfies(k -> assertThat(k).endsWith("-meadow-2.png"));
            assertThat(keysUnder("images_labeled_by_folder/zebra stripes 2/humanLoopName-" + typed.name() + "-"))
                    .singleElement().satisfies(k -> assertThat(k).endsWith("-meadow-3.png"));
        });
    }

    @Test
    void whenSomeoneElseAnswersFirstThePageSaysSoAndMovesOn() {
        Instant t = Instant.now().minusSeconds(300);
        HumanLoop first = openLoop("race-1.png", "cat", 30.0, List.of("cat", "dog"), t);
        openLoop("race-2.png", "dog", 30.0, List.of("cat", "dog"), t.plusSeconds(60));

        try (Browser b = new Browser(base)) {
            b.signIn(Fixture.REVIEWER);
            awaitShown(b, "race-1.png");
            // the page's hold runs out and someone else answers meanwhile: straight in the store
            service().release(first.name(), Fixture.REVIEWER);
            assertThat(loop.detectionStore().completeLoop(first.name(), "cat", "someone-else", Instant.now())).isTrue();
            new Actions(b.driver()).sendKeys("1").sendKeys(Keys.ENTER).perform();

            awaitShown(b, "race-2.png");
            assertThat(b.find("#notice").getText()).contains("already answered", "someone-else");
        }
    }

    @Test
    void withShowDetectedLabelFalseTheModelsLabelAndConfidenceAreHidden(@TempDir Path otherData) throws Exception {
        try (ModelLoop other = Fixture.startLocal(otherData, Map.of("modelloop.review.show-detected-label", "false"));
             Browser b = new Browser(Fixture.httpBase(other))) {
            openLoop(other, "hidden-1.png", "cat", 8.0, List.of("cat", "dog"), Instant.now(),
                    l -> l.withConfidenceParts("UNFAMILIAR", 88.0, 8.0));
            b.signIn(Fixture.REVIEWER);
            awaitShown(b, "hidden-1.png");
            assertThat(b.all("#detected-label, #detected-confidence")).isEmpty();
            // why it was sent, without the label or the numbers the setting hides
            assertThat(b.find("#loop-reason").getText())
                    .isEqualTo("Sent because: unfamiliar — this image looks unlike the training images");
            assertThat(b.find("#current").getText()).doesNotContain("Model says", "88", "8 / 100");
        }
    }

    @Test
    void aReviewerIsKeptOutOfTheConsole() {
        try (Browser b = new Browser(base)) {
            b.signIn(Fixture.REVIEWER);
            for (String page : List.of("/console/", "/console/parameters.html")) {
                b.open(page);
                assertThat(b.find("body").getText()).contains("Forbidden");
            }
            Object status = ((org.openqa.selenium.JavascriptExecutor) b.driver()).executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                            + "fetch('/api/parameters', {credentials: 'same-origin'}).then(r => done(r.status), e => done(String(e)));");
            assertThat(status).isEqualTo(403L);
        }
    }


    /** The page holds the loop it shows, so another reviewer gets a different one and cannot answer the held one. */
    @Test
    void twoReviewersNeverGetTheSameLoopAtOnce() throws Exception {
        Instant t = Instant.now().minusSeconds(300);
        HumanLoop first = openLoop("hold-1.png", "cat", 30.0, List.of("cat", "dog"), t);
        HumanLoop second = openLoop("hold-2.png", "dog", 30.0, List.of("cat", "dog"), t.plusSeconds(60));

        try (Browser b = new Browser(base)) {
            b.signIn(Fixture.REVIEWER);
            awaitShown(b, "hold-1.png");

            // the operator, as another reviewer, asks for the next loop: not the one the page holds
            HttpResponse<String> next = post("/api/reviews/next", "{}");
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(JsonResponses.JSON.readTree(next.body()).path("name").asText()).isEqualTo(second.name());
            assertThat(post("/api/reviews/" + first.name() + "/answer", "{\"label\": \"dog\"}").statusCode()).isEqualTo(409);

            // the reviewer answers theirs; the other one is held by the operator, so nothing is left for them
            new Actions(b.driver()).sendKeys("1").sendKeys(Keys.ENTER).perform();
            b.waitUntil(d -> d.findElement(By.id("empty")).isDisplayed());
            assertThat(service().loop(first.name()).orElseThrow().answer()).isEqualTo("cat");
            assertThat(service().loop(second.name()).orElseThrow().status()).isEqualTo(HumanLoop.Status.OPEN);
        }
    }
}
