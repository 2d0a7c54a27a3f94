package io.modelloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.ModelLoop;
import io.modelloop.detection.Detection;
import io.modelloop.detection.Detection.Outcome;
import io.modelloop.detection.DetectionStore;
import io.modelloop.detection.JdbcDetectionStore;
import io.modelloop.detection.HumanLoop;
import io.modelloop.testing.Fixture;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/detections, /api/detections/stats and /api/detections/{id} on a running local ModelLoop. */
class DetectionApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    static Path data;

    static ModelLoop loop;
    static String api;

    @BeforeAll
    static void start() throws Exception {
        // no trigger: the image test's upload must not become a 14th detection under the paging test
        loop = Fixture.startLocal(data, Map.of("modelloop.trigger", "none"));
        api = Fixture.httpBase(loop) + "/api/detections";
        DetectionStore store = loop.detectionStore();
        // 12 classified detections a minute apart: even = cat (confident), odd = dog (unsure)
        for (int i = 0; i < 12; i++) {
            boolean cat = i % 2 == 0;
            store.insertIfAbsent(detection(String.format("det-%02d", i), T0.plusSeconds(60L * i), cat ? "cat" : "dog",
                    Outcome.CLASSIFIED, cat ? 95.0 : 40.0));
        }
        store.insertIfAbsent(detection("det-nomodel", T0.plusSeconds(30), null, Outcome.NO_MODEL, null));
        store.attachLoop("det-01", "loop-det-01", HumanLoop.A2I_WORKFLOW);
        store.recordReview("det-01", "cat", T0.plusSeconds(3600), "images_labeled_by_folder/cat/x.jpg", null);
        store.attachLoop("det-04", "sample-det-04", HumanLoop.HUMAN_SAMPLING);
        store.recordReview("det-04", "cat", T0.plusSeconds(3600), null, true);
        store.attachLoop("det-06", "sample-det-06", HumanLoop.HUMAN_SAMPLING);
        store.recordReview("det-06", "dog", T0.plusSeconds(3600), null, false);
    }

    @AfterAll
    static void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    static Detection detection(String id, Instant at, String label, Outcome outcome, Double confidence) {
        return Detection.builder().id(id).objectKey("bucket/images_for_detection/" + id + ".jpg/e").detectedAt(at)
                .bucket("bucket").key("images_for_detection/" + id + ".jpg").etag("e").modelVersion("v1")
                .outcome(outcome).label(label).confidence(confidence).threshold(confidence == null ? null : 70.0)
                .reviewEnabled(true).build();
    }

    private static JsonNode ok(String query) throws Exception {
        HttpResponse<String> r = Fixture.get(api + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        return JSON.readTree(r.body());
    }

    private static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("detections").forEach(d -> out.add(d.path("id").asText()));
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void theStoreIsTheEmbeddedDatabaseAndIsInTheRegistry() {
        assertThat(loop.detectionStore()).isInstanceOf(JdbcDetectionStore.class);
        assertThat(loop.camel().getRegistry().lookupByName("detectionStore")).isSameAs(loop.detectionStore());
    }

    @Test
    void listsNewestFirstWithTheDefaultLimitAndNoNextOnTheLastPage() throws Exception {
        JsonNode page = ok("");
        assertThat(ids(page)).hasSize(13).first().isEqualTo("det-11");
        assertThat(ids(page)).last().isEqualTo("det-00");
        assertThat(page.path("next").isNull()).as(page.toString()).isTrue();
        JsonNode first = page.path("detections").get(0);
        assertThat(first.path("label").asText()).isEqualTo("dog");
        assertThat(first.path("detectedAt").asText()).isEqualTo(T0.plusSeconds(660).toString());
        assertThat(first.path("confidence").asDouble()).isEqualTo(40.0);
    }

    @Test
    void filtersByTimeLabelReviewedSampledBelowThresholdAndOutcome() throws Exception {
        assertThat(ids(ok("?from=" + T0.plusSeconds(120) + "&to=" + T0.plusSeconds(300))))
                .containsExactly("det-04", "det-03", "det-02");
        assertThat(ids(ok("?label=cat&to=" + T0.plusSeconds(300)))).containsExactly("det-04", "det-02", "det-00");
        assertThat(ids(ok("?reviewed=true"))).containsExactly("det-06", "det-04", "det-01");
        assertThat(ids(ok("?sampled=true"))).containsExactly("det-06", "det-04");
        assertThat(ids(ok("?belowThreshold=true&from=" + T0.plusSeconds(400)))).containsExactly("det-11", "det-09", "det-07");
        assertThat(ids(ok("?outcome=no_model"))).containsExactly("det-nomodel");
        assertThat(ids(ok("?label=dog&reviewed=false&belowThreshold=true&outcome=CLASSIFIED&to=" + T0.plusSeconds(150))))
                .as("det-01 is reviewed").isEmpty();
        JsonNode reviewed = ok("?reviewed=true&sampled=false").path("detections").get(0);
        assertThat(reviewed.path("humanLabel").asText()).isEqualTo("cat");
        assertThat(reviewed.path("humanLoopName").asText()).isEqualTo("loop-det-01");
    }

    @Test
    void pagesWithTheCursorWithoutDuplicatesOrGaps() throws Exception {
        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String next = null;
        do {
            JsonNode page = ok("?limit=5" + (next == null ? "" : "&cursor=" + enc(next)));
            sizes.add(page.path("detections").size());
            seen.addAll(ids(page));
            next = page.path("next").isNull() ? null : page.path("next").asText();
        } while (next != null && sizes.size() < 10);
        assertThat(sizes).containsExactly(5, 5, 3);
        assertThat(new HashSet<>(seen)).hasSize(13);
        assertThat(seen).startsWith("det-11", "det-10", "det-09").endsWith("det-01", "det-nomodel", "det-00");
    }

    @Test
    void badParametersAre400WithAClearMessage() throws Exception {
        Map<String, String> bad = Map.of(
                "?from=yesterday", "from",
                "?to=2026-11-24", "to",
                "?reviewed=yes", "reviewed",
                "?sampled=1", "sampled",
                "?belowThreshold=maybe", "belowThreshold",
                "?outcome=GREAT", "outcome",
                "?limit=0", "limit",
                "?limit=501", "limit",
                "?limit=ten", "limit",
                "?cursor=bm90LWEtY3Vyc29y", "cursor");
        for (var e : bad.entrySet()) {
            HttpResponse<String> r = Fixture.get(api + e.getKey());
            assertThat(r.statusCode()).as(e.getKey() + " -> " + r.body()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).path("error").asText()).as(e.getKey()).contains(e.getValue());
        }
        assertThat(ok("?limit=500").path("detections").size()).isEqualTo(13);
    }

    @Test
    void aLongBadParameterValueComesBackOnceAndShortened() throws Exception {
        String huge = "z".repeat(5000);
        HttpResponse<String> r = Fixture.get(api + "?outcome=" + huge);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").asText()).contains("got '" + "z".repeat(64) + "...'");
        assertThat(r.body().length()).isLessThan(400);
    }

    @Test
    void getsOneDetectionOr404() throws Exception {
        HttpResponse<String> r = Fixture.get(api + "/det-04");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode d = JSON.readTree(r.body());
        assertThat(d.path("id").asText()).isEqualTo("det-04");
        assertThat(d.path("sampled").asBoolean()).isTrue();
        assertThat(d.path("agreement").asBoolean()).isTrue();
        assertThat(d.path("humanLoopSource").asText()).isEqualTo(HumanLoop.HUMAN_SAMPLING);

        HttpResponse<String> missing = Fixture.get(api + "/det-99");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).path("error").asText()).contains("det-99");
    }

    @Test
    void statsCountOutcomesReviewsAndAgreement() throws Exception {
        HttpResponse<String> r = Fixture.get(api + "/stats");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode s = JSON.readTree(r.body());
        assertThat(s.path("total").asLong()).isEqualTo(13);
        assertThat(s.path("byOutcome").path("CLASSIFIED").asLong()).isEqualTo(12);
        assertThat(s.path("byOutcome").path("NO_MODEL").asLong()).isEqualTo(1);
        assertThat(s.path("belowThreshold").asLong()).isEqualTo(6);
        assertThat(s.path("reviewed").asLong()).isEqualTo(3);
        assertThat(s.path("sampled").asLong()).isEqualTo(2);
        assertThat(s.path("samplesAnswered").asLong()).isEqualTo(2);
        assertThat(s.path("samplesAgreed").asLong()).isEqualTo(1);
        assertThat(s.path("agreement").asDouble()).isEqualTo(0.5);

        JsonNode recent = ok("/stats?since=" + T0.plusSeconds(600));
        assertThat(recent.path("total").asLong()).isEqualTo(2);
        assertThat(recent.path("samplesAnswered").asLong()).isZero();
        assertThat(recent.path("agreement").isNull()).isTrue();

        HttpResponse<String> bad = Fixture.get(api + "/stats?since=last-week");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("error").asText()).contains("since");
    }

    @Test
    void servesADetectionsImageFromTheObjectStoreWithItsType() throws Exception {
        byte[] jpeg = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 1, 2, 3};
        loop.s3().putObject(b -> b.bucket("bucket").key("images_for_detection/det-00.jpg"),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(jpeg));

        HttpResponse<byte[]> r = Fixture.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "/det-00/image"))
                .header("Authorization", Fixture.basic(Fixture.OPERATOR)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(r.body()).isEqualTo(jpeg);

        // the record exists but its object is gone
        HttpResponse<String> gone = Fixture.get(api + "/det-02/image");
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(gone.body()).path("error").asText()).contains("no longer in the object store");
        assertThat(Fixture.get(api + "/det-99/image").statusCode()).isEqualTo(404);
        assertThat(Fixture.get(api + "/det%2F..%2Fx/image").statusCode()).isIn(400, 404);
        // signed-out callers never get an image
        assertThat(Fixture.sendRaw(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "/det-00/image")).build())
                .statusCode()).isEqualTo(401);
    }
}
