package io.modelloop.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The /api of a running ModelLoop as one console user (HTTP basic, so no CSRF token is needed). */
public final class LoopApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String user;

    public LoopApi(String base, String user) {
        this.base = base;
        this.user = user;
    }

    /** GET base + path, e.g. "/api/status". */
    public HttpResponse<String> get(String path) {
        return Fixture.sendRaw(request(path).GET().build());
    }

    /** POST base + path with a JSON body (null = empty). */
    public HttpResponse<String> post(String path, String json) {
        return Fixture.sendRaw(request(path).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** GET that must answer 200; its body as JSON. */
    public JsonNode json(String path) {
        return ok(get(path), "GET " + path);
    }

    /** POST that must answer 2xx; its body as JSON (null node when empty). */
    public JsonNode postJson(String path, String json) {
        return ok(post(path, json), "POST " + path);
    }

    /** Every detection record, all pages of GET /api/detections. */
    public List<JsonNode> allDetections() {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = json("/api/detections?limit=500" + (cursor == null ? "" : "&cursor=" + enc(cursor)));
            page.path("detections").forEach(all::add);
            cursor = page.path("next").isTextual() ? page.path("next").asText() : null;
        } while (cursor != null);
        return all;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", Fixture.basic(user));
    }

    private static JsonNode ok(HttpResponse<String> r, String what) {
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError(what + " answered " + r.statusCode() + ": " + r.body());
        }
        try {
            return r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(what + " did not answer JSON: " + r.body(), e);
        }
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
