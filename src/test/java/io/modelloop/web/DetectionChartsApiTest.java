package io.modelloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.ModelLoop;
import io.modelloop.detection.Detection.Outcome;
import io.modelloop.detection.DetectionStore;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.detection.HumanLoop;
import io.modelloop.testing.Fixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/detections/hourly and /api/detections/confidence on a running local ModelLoop. */
class DetectionChartsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;

    static ModelLoop loop;
    static String api;
    /** The start of the hour two hours ago: detections fall in it, the next hour and the current one. */
    static Instant base;

    @BeforeAll
    static void start() throws Exception {
        loop = Fixture.startLocal(data, Map.of());
        api = Fixture.httpBase(loop) + "/api/detections";
        base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS);
        DetectionStore store = loop.detectionStore();
        store.insertIfAbsent(DetectionApiTest.detection("a", base.plusSeconds(60), "cat", Outcome.CLASSIFIED, 95.0));
        store.insertIfAbsent(DetectionApiTest.detection("b", base.plusSeconds(120), "dog", Outcome.CLASSIFIED, 40.0));
        store.insertIfAbsent(DetectionApiTest.detection("c", base.plusSeconds(3660), null, Outcome.NO_MODEL, null));
        store.insertIfAbsent(DetectionApiTest.detection("d", base.plusSeconds(7200), "cat", Outcome.CLASSIFIED, 70.0));
        store.insertIfAbsent(DetectionApiTest.detection("old", base.minus(Duration.ofDays(2)), "cat", Outcome.CLASSIFIED, 10.0));
        store.attachLoop("b", "review-b", HumanLoop.A2I_WORKFLOW);
        store.recordReview("b", "dog", Instant.now(), null, null);
    }

    @AfterAll
    static void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    private static JsonNode ok(String query) throws Exception {
        HttpResponse<String> r = Fixture.get(api + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void hourlyListsEveryHourSinceWithCountsByOutcomeAndReviewed() throws Exception {
        JsonNode hours = ok("/hourly?since=" + base).path("hours");

        assertThat(hours).hasSize(3);
        JsonNode first = hours.get(0);
        assertThat(first.path("hour").asText()).isEqualTo(base.toString());
        assertThat(first.path("CLASSIFIED").asLong()).isEqualTo(2);
        assertThat(first.path("NO_MODEL").asLong()).isZero();
        assertThat(first.path("REJECTED").asLong()).isZero();
        assertThat(first.path("reviewed").asLong()).isEqualTo(1);
        assertThat(hours.get(1).path("NO_MODEL").asLong()).isEqualTo(1);
        assertThat(hours.get(2).path("hour").asText()).isEqualTo(base.plus(2, ChronoUnit.HOURS).toString());
        assertThat(hours.get(2).path("CLASSIFIED").asLong()).isEqualTo(1);

        JsonNode day = ok("/hourly");
        assertThat(day.path("hours").size()).as("the last 24 hours, both ends included").isEqualTo(25);
        long total = 0;
        for (JsonNode h : day.path("hours")) {
            total += h.path("CLASSIFIED").asLong() + h.path("NO_MODEL").asLong() + h.path("REJECTED").asLong();
        }
        assertThat(total).as("the two-day-old detection is outside the default period").isEqualTo(4);
    }

    @Test
    void confidenceBinsClassifiedDetectionsAndShowsTheThresholdInForce() throws Exception {
        JsonNode body = ok("/confidence?since=" + base);

        assertThat(body.path("total").asLong()).isEqualTo(3);
        assertThat(body.path("threshold").asDouble()).isEqualTo(70.0);
        JsonNode bins = body.path("bins");
        assertThat(bins).hasSize(20);
        assertThat(bins.get(0).path("from").asInt()).isZero();
        assertThat(bins.get(0).path("to").asInt()).isEqualTo(5);
        assertThat(bins.get(8).path("count").asLong()).as("40").isEqualTo(1);
        assertThat(bins.get(14).path("count").asLong()).as("70").isEqualTo(1);
        assertThat(bins.get(19).path("count").asLong()).as("95").isEqualTo(1);
        assertThat(bins.get(19).path("to").asInt()).isEqualTo(100);

        loop.parameters().set(ParameterDefinition.MINIMUM_LABEL_DETECTION_CONFIDENCE, "65.5");
        JsonNode four = ok("/confidence?bins=4&since=" + base.minus(Duration.ofDays(3)));
        assertThat(four.path("threshold").asDouble()).isEqualTo(65.5);
        assertThat(four.path("total").asLong()).isEqualTo(4);
        assertThat(four.path("bins").get(0).path("count").asLong()).isEqualTo(1);
        assertThat(four.path("bins").get(1).path("to").asInt()).isEqualTo(50);
        loop.parameters().set(ParameterDefinition.MINIMUM_LABEL_DETECTION_CONFIDENCE, "70");
    }

    @Test
    void badParametersAre400() throws Exception {
        String tooOld = Instant.now().minus(Duration.ofDays(20)).toString();
        for (String q : List.of("/hourly?since=yesterday", "/hourly?since=" + tooOld, "/confidence?since=" + tooOld,
                "/confidence?bins=0", "/confidence?bins=101", "/confidence?bins=many")) {
            HttpResponse<String> r = Fixture.get(api + q);
            assertThat(r.statusCode()).as(q + " -> " + r.body()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).path("error").asText()).as(q).containsAnyOf("since", "bins");
        }
        assertThat(ok("/hourly?since=" + Instant.now().minus(Duration.ofDays(14))).path("hours").size()).isBetween(336, 338);
    }
}
