package io.modelloop.detection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.ModelLoop;
import io.modelloop.model.Classification;
import io.modelloop.model.ImageRef;
import io.modelloop.model.ModelBackend;
import io.modelloop.model.ModelVersion;
import io.modelloop.model.TrainingRequest;
import io.modelloop.notify.LoggedNotification;
import io.modelloop.ops.LoopMetrics;
import io.modelloop.review.HumanSampling;
import io.modelloop.runs.RunRecord;
import io.modelloop.runs.RunRecorder;
import io.modelloop.testing.Browser;
import io.modelloop.testing.Fixture;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import software.amazon.awssdk.core.sync.RequestBody;
import static org.assertj.core.api.Assertions.assertThat;


/**
 * A backend that says why its confidence is low (#10): the parts reach the detection record, the
 * run record's classify step, GET /api/detections, the review loop and the notification, on a
 * real local ModelLoop (H2 store, built-in review). The model is a ModelBackend answering fixed
 * classifications per key: the point here is carrying the parts, not computing them.
 */
class ConfidencePartsLoopTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static ModelLoop loop;
    static String base;
    static String bucket;
    static final Map<String, Classification> ANSWERS = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        loop = Fixture.startLocal(data, Map.of());
        base = Fixture.httpBase(loop);
        bucket = loop.settings().bucket();
        loop.systemState().update(s -> s.withRunningModelVersion("v-parts"));
        // the real detect and start-review routes; only the classify step asks the fixed answers
        DetectionSteps fixed = new DetectionSteps(new ImageValidator(loop.s3(), 15L << 20), new FixedAnswers(),
                loop.detectionStore(), loop.systemState(), new RunRecorder(loop.runStore(), Clock.systemUTC()),
                new LoopMetrics(() -> null), Clock.systemUTC());
        AdviceWith.adviceWith(loop.camel(), "detect", a -> a.weaveById("classify").replace().bean(fixed, "classify"));
    }

    @AfterAll
    static void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    /** Puts an image outside images_for_detection/ (so the app's own trigger leaves it alone) and detects it. */
    static Detection detect(String file, Classification answer) throws Exception {
        String key = "incoming/" + file;
        byte[] png = png();
        loop.s3().putObject(b -> b.bucket(bucket).key(key).contentType("image/png"), RequestBody.fromBytes(png));
        ANSWERS.put(key, answer);
        return loop.camel().createProducerTemplate().requestBody("direct:detect",
                new ObjectVersion(bucket, key, "etag-" + file, null, (long) png.length, Instant.now()), DetectionWork.class)
                .detection();
    }

    static JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = Fixture.get(base + path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void anUnfamiliarImageKeepsItsPartsInTheRecordTheRunAndTheApi() throws Exception {
        Detection d = detect("unfamiliar.png", new Classification("cat", 12.0,
                List.of(new Classification.LabelScore("cat", 12.0)), new Classification.ConfidenceParts(93.5, 12.0)));

        Detection stored = loop.detectionStore().get(d.id()).orElseThrow();
        assertThat(stored.classProbability()).isEqualTo(93.5);
        assertThat(stored.familiarity()).isEqualTo(12.0);
        assertThat(stored.confidenceReason()).isEqualTo("UNFAMILIAR");

        JsonNode one = getJson("/api/detections/" + d.id());
        assertThat(one.path("classProbability").asDouble()).isEqualTo(93.5);
        assertThat(one.path("familiarity").asDouble()).isEqualTo(12.0);
        assertThat(one.path("confidenceReason").asText()).isEqualTo("UNFAMILIAR");
        JsonNode listed = null;
        for (JsonNode n : getJson("/api/detections?limit=100").path("detections")) {
            if (d.id().equals(n.path("id").asText())) {
                listed = n;
            }
        }
        assertThat(listed).as("listed by GET /api/detections").isNotNull();
        assertThat(listed.path("confidenceReason").asText()).isEqualTo("UNFAMILIAR");
        assertThat(listed.path("familiarity").asDouble()).isEqualTo(12.0);

        RunRecord run = loop.runStore().list(DetectionSteps.RUN_TYPE, null, null, 100).stream()
                .filter(r -> d.id().equals(String.valueOf(r.output() == null ? null : r.output().get("detection"))))
                .findFirst().orElseThrow();
        RunRecord.Step classify = run.steps().stream().filter(s -> s.name().equals("classify")).findFirst().orElseThrow();
        assertThat(classify.output()).containsEntry("classProbability", 93.5).containsEntry("familiarity", 12.0)
                .containsEntry("confidenceReason", "UNFAMILIAR");
    }

    /** A label as a model may return it (a folder name), with markup characters: shown as text. */
    static final String XSS_LABEL = "<img src=x onerror=alert(1)>";

    @Test
    void aReviewerAndTheNotificationSeeWhyEachImageWasSent() throws Exception {
        Detection unfamiliar = detect("why-unfamiliar.png", new Classification(XSS_LABEL, 12.0,
                List.of(new Classification.LabelScore(XSS_LABEL, 12.0)), new Classification.ConfidenceParts(93.5, 12.0)));
        Detection between = detect("why-between.png", new Classification("dog", 55.0,
                List.of(new Classification.LabelScore("dog", 55.0), new Classification.LabelScore("cat", 45.0)),
                new Classification.ConfidenceParts(55.0, 96.0)));
        Detection none = detect("why-none.png", new Classification(null, 0.0, List.of()));
        // a quality sample, as HumanSampling opens it: sent whatever its confidence
        Detection sure = detect("why-sample.png", new Classification("cat", 97.0, List.of(),
                new Classification.ConfidenceParts(97.0, 99.0)));
        HumanLoop sample = HumanLoop.open(HumanLoop.HUMAN_SAMPLING,
                sure.id(), sure.label(), sure.confidence(), bucket, sure.key(), List.of("cat", "dog"), Instant.now())
                .withConfidenceParts(sure.confidenceReason(), sure.classProbability(), sure.familiarity());
        loop.humanReview().start(sample);
        loop.detectionStore().attachLoop(sure.id(), sample.name(), sample.source());

        assertThat(loop.notificationLog().newestFirst(null, 200)).filteredOn(n -> n.type().equals("HumanLoopStarted")).extracting(LoggedNotification::message)
                .anySatisfy(t -> assertThat(t).startsWith("Review requested for " + unfamiliar.key())
                        .endsWith("(unfamiliar, familiarity 12/100)"))
                .anySatisfy(t -> assertThat(t).startsWith("Review requested for " + between.key())
                        .endsWith("(between labels, class probability 55%)"))
                .anySatisfy(t -> assertThat(t).startsWith("Review requested for " + none.key() + ": no label")
                        .endsWith("(no label returned)"));

        Map<String, String> expected = new java.util.HashMap<>(Map.of(
                "why-unfamiliar.png", "Sent because: unfamiliar — this image looks unlike the training images of "
                        + XSS_LABEL + " (familiarity 12 / 100)",
                "why-between.png", "Sent because: between labels — class probability 55 %",
                "why-none.png", "Sent because: no label returned — the model gave no label for this image",
                "why-sample.png", "Sent because: quality sample — picked at random to check the model's answers"));
        try (Browser b = new Browser(base)) {
            b.signIn(Fixture.REVIEWER);
            // oldest first; other tests' loops may be in the queue too: skip through them all
            for (int shown = 0; !expected.isEmpty() && shown < 20; shown++) {
                b.waitUntil(d -> d.findElement(By.id("loop-file")).isDisplayed() && !d.findElement(By.id("loop-file"))
                        .getText().isEmpty());
                String file = b.find("#loop-file").getText();
                String want = expected.remove(file);
                if (want != null) {
                    assertThat(b.find("#loop-reason").getText()).as(file).isEqualTo(want);
                    if (file.equals("why-unfamiliar.png")) {
                        b.screenshot("review-sent-because");
                        assertThat(b.all("main img[src='x']")).as("the label is text, not markup").isEmpty();
                    }
                }
                b.find("#skip").click();
                b.waitUntil(d -> !file.equals(d.findElement(By.id("loop-file")).getText())
                        || d.findElement(By.id("empty")).isDisplayed());
            }
            assertThat(expected).as("reasons not shown").isEmpty();
        }
    }

    @Test
    void aBackendWithoutPartsRecordsTheReasonOnly() throws Exception {
        Detection d = detect("plain.png", new Classification("dog", 55.0, List.of(new Classification.LabelScore("dog", 55.0))));

        JsonNode one = getJson("/api/detections/" + d.id());
        assertThat(one.has("classProbability")).isFalse();
        assertThat(one.has("familiarity")).isFalse();
        assertThat(one.path("confidenceReason").asText()).isEqualTo("LOW_MARGIN");
    }

    static byte[] png() throws Exception {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(new Color(0x2563EB));
        g.fillRect(8, 8, 40, 30);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** Answers each key's classification as the test set it. */
    static final class FixedAnswers implements ModelBackend {

        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public ModelVersion createVersion(TrainingRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ModelVersion describe(String versionId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ModelVersion> listVersions() {
            return List.of();
        }

        @Override
        public void start(String versionId, int inferenceUnits) {
        }

        @Override
        public void stop(String versionId) {
        }

        @Override
        public boolean cancelTraining(String versionId) {
            return false;
        }

        @Override
        public Classification classify(String versionId, ImageRef image) {
            return ANSWERS.get(image.key());
        }
    }
}
