package io.modelloop.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.ModelLoop;
import io.modelloop.notify.JdbcNotificationLog;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.testing.Fixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/notifications on a running local ModelLoop: what the notify route sent is listed. */
class NotificationApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;

    static ModelLoop loop;
    static String api;

    @BeforeAll
    static void start() throws Exception {
        loop = Fixture.startLocal(data, Map.of());
        api = Fixture.httpBase(loop) + "/api/notifications";
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
    void aNotificationSentThroughTheRouteIsListedNewestFirst() throws Exception {
        assertThat(loop.notificationLog()).isInstanceOf(JdbcNotificationLog.class);
        Instant before = Instant.now();
        loop.parameters().set(ParameterDefinition.MINIMUM_UNTRAINED_IMAGES, "25");

        await().atMost(Duration.ofSeconds(10)).until(() -> ok("").path("notifications").get(0).path("type").asText()
                .equals("ParameterChanged"));

        JsonNode body = ok("");
        JsonNode newest = body.path("notifications").get(0);
        assertThat(newest.path("message").asText()).isEqualTo(ParameterDefinition.MINIMUM_UNTRAINED_IMAGES + " changed from 10 to 25");
        assertThat(newest.path("details").path("parameter").asText()).isEqualTo(ParameterDefinition.MINIMUM_UNTRAINED_IMAGES);
        assertThat(newest.path("details").path("newValue").asText()).isEqualTo("25");
        assertThat(Instant.parse(newest.path("at").asText())).isAfterOrEqualTo(before);
        assertThat(newest.has("id")).as("the store's id is not part of the API").isFalse();
        // the start-up notification is older
        List<String> types = new ArrayList<>();
        body.path("notifications").forEach(n -> types.add(n.path("type").asText()));
        assertThat(types).contains("ParametersCreated");
        assertThat(types.indexOf("ParametersCreated")).isGreaterThan(0);
    }

    @Test
    void pagesWithBeforeAndNext() throws Exception {
        for (int i = 0; i < 3; i++) {
            loop.parameters().set(ParameterDefinition.HUMAN_SAMPLING_INTERVAL, Integer.toString(500 + i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ok("?limit=500").path("notifications").size() >= 4);
        int total = ok("?limit=500").path("notifications").size();
        assertThat(ok("?limit=500").path("next").isNull()).isTrue();

        List<String> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            JsonNode page = ok("?limit=2" + (next == null ? "" : "&before=" + next));
            page.path("notifications").forEach(n -> seen.add(n.path("at").asText()));
            next = page.path("next").isNull() ? null : page.path("next").asText();
            pages++;
        } while (next != null && pages < 50);
        assertThat(seen).hasSize(total).doesNotHaveDuplicates();
        assertThat(seen).isSortedAccordingTo((a, b) -> Instant.parse(b).compareTo(Instant.parse(a)));
    }

    @Test
    void badParametersAre400() throws Exception {
        for (String q : List.of("?limit=0", "?limit=501", "?limit=many", "?before=yesterday")) {
            HttpResponse<String> r = Fixture.get(api + q);
            assertThat(r.statusCode()).as(q).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).path("error").asText()).as(q).containsAnyOf("limit", "before");
        }
    }
}
