package io.modelloop.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.ModelLoop;
import io.modelloop.detection.Detection;
import io.modelloop.detection.DetectionQuery;
import io.modelloop.model.TrainingImages;
import io.modelloop.parameters.ParameterRule;
import io.modelloop.testing.Browser;
import io.modelloop.testing.Fixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The operator console in a real Chromium against a real local ModelLoop that has trained a small
 * built-in model and detected one image, so every page shows real data.
 */
class ConsolePagesBrowserTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> CLASSES = List.of(TrainingImages.CIRCLE, TrainingImages.STRIPES, TrainingImages.CHECKERS);
    static final String DETECTED_KEY = "images_for_detection/red circle+1.png";

    @TempDir
    static Path data;

    static ModelLoop loop;
    static String base;
    static Browser browser;
    static String version;
    static Detection detection;

    @BeforeAll
    static void start() throws Exception {
        loop = Fixture.startLocal(data, Map.of("modelloop.training.poll-interval-ms", "300",
                "modelloop.builtin.epochs", "6", "modelloop.poll.interval-ms", "200"));
        base = Fixture.httpBase(loop);
        Random r = new Random(11);
        for (String label : CLASSES) {
            for (int i = 0; i < 10; i++) {
                byte[] img = TrainingImages.encode(TrainingImages.draw(label, r), "png");
                put("images_labeled_by_folder/" + label + "/" + i + ".png", img);
            }
        }
        JsonNode check = JSON.readTree(post("/api/training/check").body());
        version = check.path("output").path("version").asText();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                .until(() -> loop.systemState().load().trainingRunInProgress() == null);
        assertThat(loop.systemState().load().runningModelVersion()).as("the small model is deployed").isEqualTo(version);

        put("images_for_detection/stripes 2.png", TrainingImages.encode(TrainingImages.draw(TrainingImages.STRIPES, new Random(6)), "png"));
        put("images_for_detection/checkers-3.jpg", TrainingImages.encode(TrainingImages.draw(TrainingImages.CHECKERS, new Random(7)), "jpg"));
        put(DETECTED_KEY, TrainingImages.encode(TrainingImages.draw(TrainingImages.CIRCLE, new Random(5)), "png"));
        await().atMost(Duration.ofSeconds(30)).until(() -> detected() != null
                && loop.detectionStore().query(DetectionQuery.all(50)).detections().size() == 3);
        detection = detected();

        browser = new Browser(base);
        browser.signIn(Fixture.OPERATOR);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (loop != null) {
            loop.close();
        }
    }

    static void put(String key, byte[] body) {
        loop.s3().putObject(b -> b.bucket("bucket").key(key), RequestBody.fromBytes(body));
    }

    static Detection detected() {
        return loop.detectionStore().query(DetectionQuery.all(50)).detections().stream()
                .filter(d -> d.key().equals(DETECTED_KEY)).findFirst().orElse(null);
    }

    static java.net.http.HttpResponse<String> post(String path) {
        return Fixture.send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    static JsonNode api(String path) throws Exception {
        var r = Fixture.get(base + path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static String parameter(String name) throws Exception {
        for (JsonNode p : api("/api/parameters").path("parameters")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("value").asText();
            }
        }
        throw new AssertionError("no parameter " + name);
    }

    void submitValue(String parameter, String value) {
        WebElement input = browser.find("form[data-param='" + parameter + "'] input[name=value]");
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(value);
        browser.find("form[data-param='" + parameter + "'] button[type=submit]").click();
    }

    @Test
    void parametersShowTheServersRuleForAnInvalidValueAndSaveAValidOne() throws Exception {
        String name = "Human-Sampling-Interval";
        browser.laptop().open("/console/parameters.html");
        assertThat(browser.find("#parameters")).isNotNull();
        assertThat(browser.all("#parameters form.param-edit")).hasSize(10);

        submitValue(name, "ten");
        String rowMessage = "#param-" + name + " .param-msg .message";
        browser.waitUntil(d -> d.findElements(By.cssSelector(rowMessage + ".error")).size() == 1);
        assertThat(browser.find(rowMessage + ".error").getText())
                .contains(name, "ten", ParameterRule.WHOLE_NUMBER_AT_LEAST_1.description());
        assertThat(parameter(name)).as("an invalid value is never applied").isEqualTo("1000");

        submitValue(name, "250");
        browser.waitUntil(d -> d.findElements(By.cssSelector(rowMessage + ".ok")).size() == 1);
        assertThat(browser.find(rowMessage + ".ok").getText()).contains(name, "250");
        assertThat(browser.find("#param-" + name + " .current").getText()).isEqualTo("250");
        assertThat(parameter(name)).isEqualTo("250");
        // its history, newest first, names the console user
        browser.find("#param-" + name + " details.param-history summary").click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#param-" + name + " .history tbody tr")).isEmpty());
        assertThat(browser.all("#param-" + name + " .history tbody tr").get(0).getText()).contains("250");
        browser.script("document.getElementById(arguments[0]).scrollIntoView({block: 'center'});", "param-" + name);
        browser.screenshot("parameters");

        // the change became a PARAMETER_CHANGE run, listed on the runs page
        browser.open("/console/runs.html?type=PARAMETER_CHANGE");
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#runs tr[data-type=PARAMETER_CHANGE]")).isEmpty());
        assertThat(browser.find("#runs tbody").getText()).contains(name + ": 1000 → 250");
    }

    @Test
    void aTrainingRunShowsItsStepsAsATimeline() throws Exception {
        JsonNode run = api("/api/runs?type=TRAINING_RUN").path("runs").get(0);
        JsonNode steps = api("/api/runs/" + run.path("id").asText()).path("steps");
        assertThat(steps.size()).isPositive();

        browser.laptop().open("/console/run.html?id=" + run.path("id").asText());
        browser.find("#timeline");
        List<WebElement> boxes = browser.all("#timeline > li .step");
        assertThat(boxes).hasSize(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            assertThat(boxes.get(i).getAttribute("data-step")).isEqualTo(steps.get(i).path("name").asText());
            assertThat(boxes.get(i).getAttribute("class")).contains(steps.get(i).path("status").asText());
        }
        assertThat(browser.find("#run-facts").getText()).contains(run.path("id").asText(), "SUCCEEDED");
        // the step data opens as JSON text
        WebElement details = browser.find("#timeline > li details summary");
        details.click();
        assertThat(browser.find("#timeline > li details pre.json").getText()).startsWith("{");
        browser.screenshot("run");
    }

    @Test
    void theDashboardShowsTheServingModelTheDetectionAndCharts() throws Exception {
        String name = api("/api/models").path("versions").get(0).path("name").asText();
        browser.laptop().open("/console/");
        browser.waitUntil(d -> !d.findElement(By.id("stat-model")).getText().equals("—"));
        assertThat(browser.find("#stat-model").getText()).isIn(name, version);
        assertThat(browser.find("#stat-model-sub").getText()).contains("F1 ", "builtin");
        assertThat(Integer.parseInt(browser.find("#stat-today").getText())).isGreaterThanOrEqualTo(1);
        assertThat(browser.find("#stat-today-sub").getText()).contains("classified");
        assertThat(browser.find("#stat-reviews").getText()).matches("\\d+");
        assertThat(browser.all("#chart-f1 svg.chart circle.dot")).hasSize(1);
        assertThat(browser.find("#chart-hourly").getText()).isNotBlank(); // a chart, or "not available" before the endpoint exists
        browser.screenshot("dashboard");

        browser.phone().open("/console/");
        browser.waitUntil(d -> !d.findElement(By.id("stat-model")).getText().equals("—"));
        // the page never scrolls sideways at phone width: only tables may
        Number overflow = (Number) browser.script("return document.documentElement.scrollWidth - window.innerWidth;");
        assertThat(overflow.intValue()).isLessThanOrEqualTo(0);
        browser.screenshot("dashboard-phone");
        browser.laptop();
    }

    @Test
    void theModelsPageShowsTheServingVersionItsMetricsAndConfusionMatrix() {
        browser.laptop().open("/console/models.html");
        browser.find("#versions .serving");
        assertThat(browser.find("#versions tr.selected").getAttribute("data-id")).isEqualTo(version);
        assertThat(browser.all("#per-label tbody tr")).hasSize(CLASSES.size());
        assertThat(browser.all("#confusion tbody tr")).hasSize(CLASSES.size());
        assertThat(browser.find("#check-training").isEnabled()).isTrue();
        assertThat(browser.find("#cancel-training").isEnabled()).as("nothing trains").isFalse();
        browser.screenshot("models");
    }

    @Test
    void theDetectionsPageShowsTheDetectionWithItsThumbnail() {
        browser.laptop().open("/console/detections.html");
        String row = "#detections tr[data-id='" + detection.id() + "']";
        browser.find(row);
        assertThat(browser.find(row + " td.key").getText()).isEqualTo(DETECTED_KEY);
        assertThat(browser.find(row).getText()).contains(detection.label());
        browser.waitUntil(d -> ((Number) browser.script("const i = document.querySelector(arguments[0]);"
                + " return i && i.complete ? i.naturalWidth : 0;", row + " img.thumb")).intValue() > 0);

        // a filter that excludes it
        new org.openqa.selenium.support.ui.Select(browser.find("#filter-outcome")).selectByValue("REJECTED");
        browser.find("#detection-filters button[type=submit]").click();
        browser.waitUntil(d -> d.findElements(By.cssSelector(row)).isEmpty());
        assertThat(browser.driver().getCurrentUrl()).contains("outcome=REJECTED");
        browser.open("/console/detections.html");
        browser.find(row + " img.thumb");
        browser.screenshot("detections");
    }

    @Test
    void theNotificationFeedShowsTheDeploymentNewestFirst() throws Exception {
        JsonNode newest = api("/api/notifications?limit=1").path("notifications").get(0);
        browser.laptop().open("/console/notifications.html");
        browser.find("#feed li .badge");
        assertThat(browser.all("#feed li").get(0).getText()).contains(newest.path("type").asText());
    }

    @Test
    void everyPageFitsAPhoneWithOnlyTablesScrollingSideways() {
        try {
            browser.phone();
            for (String page : List.of("/console/", "/console/parameters.html", "/console/runs.html", "/console/models.html",
                    "/console/detections.html", "/console/notifications.html")) {
                browser.open(page);
                browser.waitUntil(d -> d.findElements(By.cssSelector("#loading")).isEmpty());
                browser.find("header.top nav");
                Number overflow = (Number) browser.script("return document.documentElement.scrollWidth - window.innerWidth;");
                assertThat(overflow.intValue()).as(page).isLessThanOrEqualTo(0);
                browser.screenshot("phone-" + page.replaceAll("^/console/|\\.html$", "").replaceAll("^$", "index"));
            }
        } finally {
            browser.laptop();
        }
    }

    @Test
    void stateChangesWithoutTheCsrfTokenAreRefusedAndChangeNothing() throws Exception {
        int checksBefore = api("/api/runs?type=TRAINING_CHECK").path("runs").size();
        String intervalBefore = parameter("Minimum-Untrained-Images");
        browser.laptop().open("/console/models.html");
        browser.find("#check-training");
        JavascriptExecutor js = (JavascriptExecutor) browser.driver();
        // the session cookie goes with these requests, only the header is missing
        Object check = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + " fetch('/api/training/check', {method: 'POST', credentials: 'same-origin'}).then(r => done(r.status));");
        assertThat(((Number) check).intValue()).isEqualTo(403);
        Object put = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + " fetch('/api/parameters/Minimum-Untrained-Images', {method: 'PUT', credentials: 'same-origin',"
                + " headers: {'Content-Type': 'application/json'}, body: JSON.stringify({value: '3'})}).then(r => done(r.status));");
        assertThat(((Number) put).intValue()).isEqualTo(403);

        // a plain HTML form can never carry the header
        browser.script("const f = document.createElement('form'); f.method = 'post'; f.action = '/api/training/check';"
                + " document.body.appendChild(f); f.submit();");
        browser.waitUntil(d -> d.getPageSource().contains("CSRF"));

        assertThat(api("/api/runs?type=TRAINING_CHECK").path("runs").size()).isEqualTo(checksBefore);
        assertThat(parameter("Minimum-Untrained-Images")).isEqualTo(intervalBefore);
    }
}
