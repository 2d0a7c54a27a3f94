package io.modelloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelloop.detection.JdbcDetectionStore;
import io.modelloop.review.BuiltinReviewService;
import io.modelloop.detection.HumanLoop;
import io.modelloop.review.HumanLoopOutput;
import io.modelloop.storage.LocalS3Server;
import io.modelloop.testing.Fixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The review endpoints over real HTTP (Camel Main, platform-http, the production routes/api.yaml)
 * on the built-in review service with the H2 store and S3Proxy: status codes and bodies a
 * review page relies on.
 */
class ReviewApiTest {

    static final String BUCKET = "bucket";
    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 2, 3};

    @TempDir
    static Path dir;
    static LocalS3Server server;
    static S3Client s3;
    static JdbcDetectionStore store;
    static BuiltinReviewService service;
    static Main main;
    static Thread runner;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        server = new LocalS3Server(dir.resolve("s3"), 0).start(BUCKET);
        s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create()).build();
        s3.putObject(b -> b.bucket(BUCKET).key("images_labeled_by_folder/cat/1.jpg"), RequestBody.fromString("x"));
        s3.putObject(b -> b.bucket(BUCKET).key("images_for_detection/tabby cat.jpg").contentType("image/jpeg"),
                RequestBody.fromBytes(JPEG));
        store = new JdbcDetectionStore(dir.resolve("modelloop"));
        service = new BuiltinReviewService(store, s3, BUCKET, Clock.systemUTC());

        int port = Fixture.freePort();
        base = "http://127.0.0.1:" + port;
        Properties p = new Properties();
        p.setProperty("camel.server.enabled", "true");
        p.setProperty("camel.server.host", "127.0.0.1");
        p.setProperty("camel.server.port", Integer.toString(port));
        main = new Main();
        main.setOverrideProperties(p);
        main.configure().withRoutesIncludePattern("file:routes/api.yaml");
        main.bind("parameterApi", new ParameterApi(null));
        main.bind("statusApi", new StatusApi(Map.of(), null, null, List.of(), null, null));
        main.bind("modelApi", new ModelApi(null, null, null, null, null));
        main.bind("runApi", new RunApi(null));
        main.bind("detectionApi", new DetectionApi(null, () -> 70));
        main.bind("reviewApi", new ReviewApi(service));
        main.bind("notificationApi", new NotificationApi(null));
        CountDownLatch started = new CountDownLatch(1);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport m) {
                started.countDown();
            }
        });
        runner = new Thread(() -> {
            try {
                main.run();
            } catch (Exception e) {
                started.countDown();
            }
        }, "review-api-test");
        runner.start();
        assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(main.isStarted()).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        main.completed();
        runner.join(30_000);
        store.close();
        s3.close();
        server.close();
    }

    static HumanLoop startLoop(String detectionId, Instant createdAt) {
        HumanLoop l = HumanLoop.builder().name("review-" + detectionId).source(HumanLoop.A2I_WORKFLOW)
                .detectionId(detectionId).detectedLabel("cat").confidence(37.5)
                .imageUri("s3://" + BUCKET + "/images_for_detection/tabby cat.jpg").labels(List.of("cat"))
                .createdAt(createdAt).build();
        service.start(l);
        return l;
    }

    static HttpResponse<String> answer(String loop, String body) {
        return Fixture.send(HttpRequest.newBuilder(URI.create(base + "/api/reviews/" + loop + "/answer"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A POST as the signed-in {@code user} (the web layer's header), or as nobody when user is null. */
    static HttpResponse<String> post(String path, String user, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/reviews/" + path))
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (user != null) {
            b.header(ReviewApi.USER_HEADER, user);
        }
        return Fixture.send(b.build());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JsonResponses.JSON.readTree(r.body());
    }

    @Test
    void theQueueListsOpenLoopsOldestFirstWithTheCount() throws Exception {
        startLoop("det-q2", Instant.parse("2020-01-01T00:00:02Z"));
        startLoop("det-q1", Instant.parse("2020-01-01T00:00:01Z"));

        HttpResponse<String> r = Fixture.get(base + "/api/reviews?limit=2");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("count").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(body.path("loops").get(0).path("name").asText()).isEqualTo("review-det-q1");
        assertThat(body.path("loops").get(1).path("name").asText()).isEqualTo("review-det-q2");
        assertThat(Fixture.get(base + "/api/reviews?limit=0").statusCode()).isEqualTo(400);
    }

    @Test
    void aLoopShowsItsChoicesEndingWithNoneOfTheAboveAndAnImageLinkThatServesTheImage() throws Exception {
        HumanLoop l = startLoop("det-show", Instant.now());

        HttpResponse<String> r = Fixture.get(base + "/api/reviews/" + l.name());

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("detectedLabel").asText()).isEqualTo("cat");
        assertThat(body.path("confidence").asDouble()).isEqualTo(37.5);
        assertThat(body.path("choices").toString()).isEqualTo("[\"cat\",\"None of the Above\"]");
        String link = body.path("image").asText();
        HttpResponse<byte[]> image = Fixture.HTTP.send(HttpRequest.newBuilder(URI.create(base + link)).header("Authorization", Fixture.basic(Fixture.OPERATOR)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(image.body()).isEqualTo(JPEG);
    }

    @Test
    void unknownLoopsAre404() {
        assertThat(Fixture.get(base + "/api/reviews/review-nope").statusCode()).isEqualTo(404);
        assertThat(Fixture.get(base + "/api/reviews/review-nope/image").statusCode()).isEqualTo(404);
        HttpResponse<String> r = answer("review-nope", "{\"label\":\"cat\",\"reviewer\":\"alice\"}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("review-nope");
    }

    @Test
    void anAnswerIs200WithTheOutputKeyThenASecondAnswerIs409() throws Exception {
        HumanLoop l = startLoop("det-answer", Instant.now());

        HttpResponse<String> first = answer(l.name(), "{\"label\":\"cat\",\"reviewer\":\"alice\"}");

        assertThat(first.statusCode()).isEqualTo(200);
        String key = json(first).path("outputKey").asText();
        String output = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String();
        assertThat(HumanLoopOutput.parse(output).label()).isEqualTo("cat");
        assertThat(HumanLoopOutput.parse(output).workerId()).isEqualTo("alice");

        HttpResponse<String> second = answer(l.name(), "{\"label\":\"dog\",\"reviewer\":\"bob\"}");
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(json(second).path("error").asText()).contains("already answered");
        assertThat(Fixture.get(base + "/api/reviews/" + l.name()).body()).contains("\"status\":\"ANSWERED\"");
    }

    @Test
    void nextHoldsTheOldestFreeLoopForTheSignedInUserAndSaysWhenNoneIsLeft() throws Exception {
        // older than any other test's loops, so they are first in the queue (answered at the end, so no longer)
        startLoop("det-n1", Instant.parse("2000-01-01T00:00:01Z"));
        startLoop("det-n2", Instant.parse("2000-01-01T00:00:02Z"));
        try {
            nextWalksTheQueue();
        } finally {
            service.answer("review-det-n1", "cat", "nina");
            service.answer("review-det-n2", "cat", "omar");
        }
    }

    private void nextWalksTheQueue() throws Exception {
        HttpResponse<String> first = post("next", "nina", null);

        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode loop = json(first);
        assertThat(loop.path("name").asText()).isEqualTo("review-det-n1");
        assertThat(loop.path("heldBy").asText()).isEqualTo("nina");
        assertThat(Instant.parse(loop.path("heldUntil").asText())).isAfter(Instant.now().plusSeconds(240));
        assertThat(loop.path("choices").toString()).isEqualTo("[\"cat\",\"None of the Above\"]");
        assertThat(loop.path("image").asText()).isEqualTo("/api/reviews/review-det-n1/image");

        HttpResponse<String> second = post("next", "omar", "{\"reviewer\":\"nina\"}");
        assertThat(json(second).path("name").asText()).as("n1 is nina's").isEqualTo("review-det-n2");
        assertThat(json(second).path("heldBy").asText()).as("the header names the reviewer, not the body").isEqualTo("omar");
        assertThat(json(Fixture.get(base + "/api/reviews?limit=2")).path("loops").get(0).path("heldBy").asText())
                .isEqualTo("nina");

        // skipping every loop she is offered, nina reaches the end of the queue
        List<String> skipped = new java.util.ArrayList<>(List.of("review-det-n1"));
        JsonNode last = null;
        for (int i = 0; i < 100; i++) {
            last = json(post("next", "nina", JsonResponses.JSON.writeValueAsString(Map.of("skip", skipped))));
            if (last.path("loop").isNull()) {
                break;
            }
            assertThat(last.path("name").asText()).isNotIn("review-det-n1", "review-det-n2");
            skipped.add(last.path("name").asText());
            assertThat(post(last.path("name").asText() + "/release", "nina", null).statusCode()).isEqualTo(200);
        }
        assertThat(last.has("loop")).isTrue();
        assertThat(last.path("loop").isNull()).isTrue();
        assertThat(last.path("count").asInt()).isGreaterThanOrEqualTo(2);

        assertThat(post("next", "nina", "not json").statusCode()).isEqualTo(400);
        assertThat(post("next", "nina", "{\"skip\":\"review-det-n1\"}").statusCode()).isEqualTo(400);
        assertThat(post("next", null, null).statusCode()).as("nobody named").isEqualTo(400);
    }

    @Test
    void aHeldLoopIs409ForOthersUntilReleasedAndReadingALoopTakesNoHold() throws Exception {
        HumanLoop l = startLoop("det-held", Instant.now());

        HttpResponse<String> held = post(l.name() + "/hold", "alice", null);
        assertThat(held.statusCode()).isEqualTo(200);
        assertThat(json(held).path("heldBy").asText()).isEqualTo("alice");
        assertThat(json(held).path("choices").isArray()).isTrue();

        HttpResponse<String> taken = post(l.name() + "/hold", "bob", null);
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(json(taken).path("heldBy").asText()).isEqualTo("alice");
        assertThat(json(taken).path("heldUntil").asText()).isNotEmpty();
        assertThat(json(taken).path("error").asText()).contains("held by alice until");

        HttpResponse<String> refused = post(l.name() + "/answer", "bob", "{\"label\":\"cat\"}");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(json(refused).path("heldBy").asText()).isEqualTo("alice");

        HttpResponse<String> read = Fixture.send(HttpRequest.newBuilder(URI.create(base + "/api/reviews/" + l.name()))
                .header(ReviewApi.USER_HEADER, "bob").GET().build());
        assertThat(json(read).path("heldBy").asText()).as("reading leaves alice's hold").isEqualTo("alice");

        assertThat(json(post(l.name() + "/release", "bob", null)).path("heldBy").asText()).isEqualTo("alice");
        HttpResponse<String> released = post(l.name() + "/release", "alice", null);
        assertThat(released.statusCode()).isEqualTo(200);
        assertThat(json(released).has("heldBy")).isFalse();

        HttpResponse<String> answered = post(l.name() + "/answer", "bob", "{\"label\":\"cat\",\"reviewer\":\"mallory\"}");
        assertThat(answered.statusCode()).isEqualTo(200);
        String key = json(answered).path("outputKey").asText();
        String output = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String();
        assertThat(HumanLoopOutput.parse(output).workerId()).as("the header names the reviewer, not the body").isEqualTo("bob");
        assertThat(post(l.name() + "/hold", "alice", null).statusCode()).as("answered").isEqualTo(409);
        assertThat(post("review-nope/hold", "alice", null).statusCode()).isEqualTo(404);
        assertThat(post("review-nope/release", "alice", null).statusCode()).isEqualTo(404);
    }

    @Test
    void readingALoopDoesNotHoldIt() {
        HumanLoop l = startLoop("det-read", Instant.now());

        HttpResponse<String> r = Fixture.send(HttpRequest.newBuilder(URI.create(base + "/api/reviews/" + l.name()))
                .header(ReviewApi.USER_HEADER, "bob").GET().build());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("heldBy");
        assertThat(service.loop(l.name()).orElseThrow().heldBy()).isNull();
    }

    @Test
    void anInvalidLabelIs400WithTheRuleAndABadBodyIs400() throws Exception {
        HumanLoop l = startLoop("det-invalid", Instant.now());

        HttpResponse<String> r = answer(l.name(), "{\"label\":\"../evil\",\"reviewer\":\"alice\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).path("rule").asText()).contains("[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}");
        assertThat(answer(l.name(), "not json").statusCode()).isEqualTo(400);
        assertThat(answer(l.name(), "{\"reviewer\":\"alice\"}").statusCode()).isEqualTo(400);
        assertThat(service.loop(l.name()).orElseThrow().status()).isEqualTo(HumanLoop.Status.OPEN);
    }

    @Test
    void aLabelThatIsNotAStringIs400WithTheRuleAndNothingIsWrittenOrCopied() throws Exception {
        HumanLoop l = startLoop("det-nonstring", Instant.now());
        List<String> before = s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream()
                .map(software.amazon.awssdk.services.s3.model.S3Object::key).toList();

        for (String label : List.of("null", "true", "42", "{\"a\":\"cat\"}", "[\"cat\"]")) {
            HttpResponse<String> r = answer(l.name(), "{\"label\":" + label + ",\"reviewer\":\"alice\"}");

            assertThat(r.statusCode()).as(label).isEqualTo(400);
            assertThat(json(r).path("error").asText()).as(label).contains("label must be a string");
            assertThat(json(r).path("rule").asText()).as(label).isEqualTo(BuiltinReviewService.LABEL_RULE);
        }
        assertThat(service.loop(l.name()).orElseThrow().status()).isEqualTo(HumanLoop.Status.OPEN);
        assertThat(s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream()
                .map(software.amazon.awssdk.services.s3.model.S3Object::key).toList()).isEqualTo(before);
    }
}
