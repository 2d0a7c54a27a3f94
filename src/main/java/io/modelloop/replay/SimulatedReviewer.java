package io.modelloop.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.review.HumanLoop;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A reviewer who knows every image's true label and works through the review queue over the same
 * HTTP API a person's browser uses ({@code POST /api/reviews/next}, {@code POST /api/reviews/{loop}/answer}).
 * Which loops get their true label is the policy's choice; the others are answered None of the Above.
 */
public final class SimulatedReviewer {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One loop answered: its detection, and whether it was given a real label. */
    public record Answer(String loop, String detectionId, boolean labelled) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String authorization;
    private final Map<String, String> truth;

    /** @param truth image URI (s3://bucket/key) -> its true label */
    public SimulatedReviewer(String base, String user, char[] password, Map<String, String> truth) {
        this.base = base;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + new String(password))
                .getBytes(StandardCharsets.UTF_8));
        this.truth = truth;
    }

    /** Open loops right now (the API's count). */
    public int openLoops() throws IOException, InterruptedException {
        return call("GET", "/api/reviews?limit=1", null).path("count").asInt();
    }

    /**
     * Answers every open loop. With {@code labelCount} null every loop gets its true label; otherwise
     * a uniformly random {@code labelCount} of the {@code open} loops do (selection sampling, so the
     * choice needs no list of all loops first), the rest None of the Above.
     */
    public List<Answer> answerAll(Integer labelCount, int open, Random random, Runnable tick)
            throws IOException, InterruptedException {
        List<Answer> answers = new ArrayList<>();
        int seen = 0;
        int chosen = 0;
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("replay interrupted");
            }
            JsonNode loop = call("POST", "/api/reviews/next", "{}");
            if (loop.path("name").isMissingNode() || loop.path("name").isNull()) {
                return answers;
            }
            String name = loop.path("name").asText();
            String label = truth.get(loop.path("imageUri").asText());
            boolean give;
            if (label == null) {
                give = false;
            } else if (labelCount == null) {
                give = true;
            } else {
                int left = Math.max(1, open - seen);
                give = chosen < labelCount && random.nextInt(left) < labelCount - chosen;
            }
            seen++;
            if (give) {
                chosen++;
            }
            String body = JSON.writeValueAsString(Map.of("label", give ? label : HumanLoop.NONE_OF_THE_ABOVE));
            call("POST", "/api/reviews/" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20")
                    + "/answer", body);
            answers.add(new Answer(name, loop.path("detectionId").asText(null), give));
            tick.run();
        }
    }

    private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", authorization).header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
    }
}
