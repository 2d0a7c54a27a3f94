package io.modelloop.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.detection.HumanLoop;
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
import java.util.function.Predicate;

/**
 * A reviewer who knows every image's true label and works through the review queue over the same
 * HTTP API a person's browser uses ({@code POST /api/reviews/next}, {@code POST /api/reviews/{loop}/answer}).
 * Which loops get their true label is the policy's choice; the others are answered None of the Above.
 * Several reviewers (console users) work at once, so a batch of hundreds of loops takes seconds.
 */
public final class SimulatedReviewer {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One loop answered: its detection, and whether it was given a real label. */
    public record Answer(String loop, String detectionId, boolean labelled) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final List<String> users;
    private final String password;
    private final Map<String, String> truth;

    /**
     * @param users console users with the reviewer role, all with this password; one works per thread
     * @param truth image URI (s3://bucket/key) -> its true label
     */
    public SimulatedReviewer(String base, List<String> users, char[] password, Map<String, String> truth) {
        this.base = base;
        this.users = List.copyOf(users);
        this.password = new String(password);
        this.truth = truth;
    }

    private String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Open loops right now (the API's count). */
    public int openLoops() throws IOException, InterruptedException {
        return call(users.get(0), "GET", "/api/reviews?limit=1", null).path("count").asInt();
    }

    /**
     * Answers every open loop, one reviewer per user working through the queue at the same time (as
     * several people would: each {@code next} holds a loop for its caller). A loop whose image
     * {@code labelIt} accepts gets its true label, any other None of the Above.
     */
    public List<Answer> answerAll(Predicate<String> labelIt, Runnable tick) throws IOException, InterruptedException {
        List<Answer> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        for (String user : users) {
            Thread t = new Thread(() -> {
                try {
                    work(user, labelIt, answers, tick);
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, "replay-reviewer-" + user);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            throw e;
        }
        if (failure.get() instanceof IOException io) {
            throw io;
        }
        if (failure.get() != null) {
            throw new IOException("the simulated reviewer failed: " + failure.get().getMessage(), failure.get());
        }
        return List.copyOf(answers);
    }

    private void work(String user, Predicate<String> labelIt, List<Answer> answers, Runnable tick)
            throws IOException, InterruptedException {
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("replay interrupted");
            }
            JsonNode loop = call(user, "POST", "/api/reviews/next", "{}");
            if (loop.path("name").isMissingNode() || loop.path("name").isNull()) {
                return;
            }
            String name = loop.path("name").asText();
            String image = loop.path("imageUri").asText();
            String label = truth.get(image);
            boolean give = label != null && labelIt.test(image);
            String body = JSON.writeValueAsString(Map.of("label", give ? label : HumanLoop.NONE_OF_THE_ABOVE));
            call(user, "POST", "/api/reviews/" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20")
                    + "/answer", body);
            answers.add(new Answer(name, loop.path("detectionId").asText(null), give));
            tick.run();
        }
    }

    private JsonNode call(String user, String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", basic(user)).header("Accept", "application/json");
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
