package io.modelloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelloop.detection.JdbcDetectionStore;
import io.modelloop.review.BuiltinReviewService;
import io.modelloop.review.HumanLoop;
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
 * The review endpoints over real HTTP (Camel Main, platform-http, the production ApiRoutes)
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
        main.configure().addRoutesBuilder(new ApiRoutes(new ParameterApi(null), new StatusApi(Map.of(), null, null, List.of(), null),
                new ModelApi(null, null, null, null), new RunApi(null), new DetectionApi(null, () -> 70), new ReviewApi(service), new NotificationApi(null)));
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
        HumanLoop l = new HumanLoop("review-" + detectionId, HumanLoop.A2I_WORKFLOW, detectionId, "cat", 37.5,
                "s3://" + BUCKET + "/images_for_detection/tabby cat.jpg", List.of("cat"), null, createdAt, null, null, null);
        service.start(l);
        return l;
    }

    static HttpResponse<String> answer(String loop, String body) {
        return Fixture.send(HttpRequest.newBuilder(URI.create(base + "/api/reviews/" + loop + "/answer"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
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
        HttpResponse<byte[]> image = Fixture.HTTP.send(HttpRequest.newBuilder(URI.create(base + link)).GET().build(),
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
    void anInvalidLabelIs400WithTheRuleAndABadBodyIs400() throws Exception {
        HumanLoop l = startLoop("det-invalid", Instant.now());

        HttpResponse<String> r = answer(l.name(), "{\"label\":\"../evil\",\"reviewer\":\"alice\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).path("rule").asText()).contains("[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}");
        assertThat(answer(l.name(), "not json").statusCode()).isEqualTo(400);
        assertThat(answer(l.name(), "{\"reviewer\":\"alice\"}").statusCode()).isEqualTo(400);
        assertThat(service.loop(l.name()).orElseThrow().status()).isEqualTo(HumanLoop.Status.OPEN);
    }
}
