package io.modelloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.ModelLoop;
import io.modelloop.testing.Browser;
import io.modelloop.testing.Fixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A built-in version's confidence calibration (#10), as its model.json records it, reaches
 * GET /api/models and the models page, in a real headless Chromium against a local ModelLoop.
 */
class ModelCalibrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static ModelLoop loop;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        loop = Fixture.startLocal(data, Map.of());
        base = Fixture.httpBase(loop);
        // what the training writes: a completed version with its calibration, and an older one from before it
        model("v-calibrated", "2026-11-30T10:00:00Z", """
                , "confidenceCalibration": {"method": "k-NN familiarity x temperature-scaled softmax <b>v1</b>",
                   "images": 40, "temperature": 1.73, "expectedCalibrationError": 0.042,
                   "heldOutBelow70": 0.1, "heldOutUnfamiliarBelow70": 0.05}""");
        model("v-older", "2026-11-29T10:00:00Z", "");
    }

    static void model(String name, String createdAt, String extra) {
        String json = """
                {"formatVersion": 1, "name": "%s", "status": "TRAINING_COMPLETED", "createdAt": "%s",
                 "updatedAt": "%s", "labels": ["cat", "dog"], "f1": 0.9, "trainingImages": 160, "testImages": 40%s}
                """.formatted(name, createdAt, createdAt, extra);
        loop.s3().putObject(b -> b.bucket(loop.settings().bucket()).key("models/" + name + "/model.json")
                .contentType("application/json"), RequestBody.fromString(json));
    }

    @AfterAll
    static void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    static JsonNode version(JsonNode models, String id) {
        for (JsonNode v : models.path("versions")) {
            if (id.equals(v.path("id").asText())) {
                return v;
            }
        }
        throw new AssertionError("no version " + id + " in " + models);
    }

    @Test
    void theApiReturnsEachVersionsCalibration() throws Exception {
        HttpResponse<String> r = Fixture.get(base + "/api/models");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode models = JSON.readTree(r.body());

        JsonNode c = version(models, "v-calibrated").path("calibration");
        assertThat(c.path("method").asText()).startsWith("k-NN familiarity");
        assertThat(c.path("images").asInt()).isEqualTo(40);
        assertThat(c.path("temperature").asDouble()).isEqualTo(1.73);
        assertThat(c.path("expectedCalibrationError").asDouble()).isEqualTo(0.042);
        assertThat(c.path("heldOutBelow70").asDouble()).isEqualTo(0.1);
        assertThat(c.path("heldOutUnfamiliarBelow70").asDouble()).isEqualTo(0.05);
        assertThat(version(models, "v-older").has("calibration")).isFalse();
    }

    @Test
    void theModelsPageShowsTheCalibrationInWords() {
        try (Browser b = new Browser(base)) {
            b.signIn(Fixture.OPERATOR);
            b.laptop().open("/console/models.html?version=v-calibrated");
            String row = "#versions tr[data-id='v-calibrated'] td.calibration-share";
            assertThat(b.find(row).getText()).isEqualTo("10 % of 40");
            assertThat(b.find("#versions tr[data-id='v-older'] td.calibration-share").getText()).isEqualTo("—");

            String card = b.find("#calibration").getText();
            assertThat(card).contains("Confidence calibration: v-calibrated",
                    "k-NN familiarity x temperature-scaled softmax <b>v1</b>", "Held-out images\n40",
                    "Held-out images below 70\n10 %", "Below 70 on familiarity alone\n5 %",
                    "Expected calibration error\n4.2 %", "Temperature\n1.73");
            assertThat(b.all("#calibration b")).as("the method is text, not markup").isEmpty();
            b.screenshot("models-calibration");

            b.find("#versions tr[data-id='v-older']").click();
            b.waitUntil(d -> d.findElement(org.openqa.selenium.By.id("calibration")).getText().contains("v-older"));
            assertThat(b.find("#calibration").getText()).contains("Not recorded for this version");
        }
    }
}
