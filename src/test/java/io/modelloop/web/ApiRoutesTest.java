package io.modelloop.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelloop.config.Settings;
import io.modelloop.detection.Detection;
import io.modelloop.detection.JdbcDetectionStore;
import io.modelloop.notify.JdbcNotificationLog;
import io.modelloop.notify.NotificationSinkHealth;
import io.modelloop.parameters.FileParameterStore;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.parameters.ParameterRule;
import io.modelloop.parameters.ParameterService;
import io.modelloop.review.BuiltinReviewService;
import io.modelloop.detection.HumanLoop;
import io.modelloop.runs.JdbcRunStore;
import io.modelloop.schedule.LeaderElection;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.storage.H2Database;
import io.modelloop.storage.LocalS3Server;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.LocalStoreClient;
import io.modelloop.testing.LoopApi;
import io.modelloop.testing.RecordingNotifier;
import io.modelloop.web.auth.UserDirectory;
import io.modelloop.web.auth.WebAuthSettings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.EndpointInject;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * routes/api.yaml on its own (Camel Main with only this file) on the business HTTP server, behind
 * the web console's sign-in and roles as ModelLoop installs them, called over HTTP with basic
 * credentials as the web tests do. The beans the calls reach are real, on the parameters file,
 * H2 and S3Proxy; a test route on direct:training-check stands in for training.yaml. Each call
 * shows on its operation's route (the route id is the operation id). One CamelContext and HTTP
 * server for the class.
 */
@CamelMainTest(properties = "camel.main.routesIncludePattern=file:routes/api.yaml",
        configurationClasses = ApiRoutesTest.Beans.class, useJmx = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiRoutesTest implements CamelContextAware {

    static final String F1 = ParameterDefinition.MINIMUM_F1_SCORE;
    static final RecordingNotifier NOTIFIER = new RecordingNotifier();
    static Path dir;
    static Settings settings;
    static String bucket;
    static LocalS3Server server;
    static S3Client s3;
    static H2Database h2;
    static JdbcDetectionStore detections;
    static JdbcRunStore runs;
    static ParameterService parameters;
    static SystemStateRepository systemState;
    static BuiltinReviewService review;
    static String base;

    CamelContext context;
    LoopApi operator;
    LoopApi reviewer;

    @EndpointInject("mock:training-check")
    MockEndpoint trainingCheck;

    /** The beans api.yaml names, as ModelLoop binds them, and the stand-in for the training check route. */
    public static class Beans implements CamelConfiguration {
        @Override
        public void configure(CamelContext camel) throws Exception {
            camel.getRegistry().bind("parameterApi", new ParameterApi(parameters));
            camel.getRegistry().bind("statusApi", new StatusApi(Map.of("profile", "local", "bucket", bucket), parameters,
                    systemState, List.of(), new NotificationSinkHealth(), LeaderElection.create(settings)));
            // GET /api/models and POST /api/training/cancel are not called here: no model backend or pipeline
            camel.getRegistry().bind("modelApi", new ModelApi(null, systemState, camel.createProducerTemplate(), null, runs));
            camel.getRegistry().bind("runApi", new RunApi(runs));
            camel.getRegistry().bind("detectionApi",
                    new DetectionApi(detections, () -> parameters.values().minimumLabelDetectionConfidence(), s3));
            camel.getRegistry().bind("reviewApi", new ReviewApi(review));
            camel.getRegistry().bind("notificationApi", new NotificationApi(new JdbcNotificationLog(h2, Clock.systemUTC())));
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:training-check").routeId("training-check-stand-in").to("mock:training-check")
                            .setBody(constant(Map.of("run", "run-42", "status", "STARTED")));
                }
            });
        }
    }

    @BeforeAll
    static void startParts() throws Exception {
        dir = Files.createTempDirectory("api-routes");
        settings = Fixture.localSettings(dir, Map.of());
        bucket = settings.bucket();
        base = "http://127.0.0.1:" + settings.get("modelloop.http.port");
        server = new LocalS3Server(dir.resolve("s3"), 0).start(bucket);
        s3 = LocalStoreClient.of(server);
        s3.putObject(b -> b.bucket(bucket).key("images_labeled_by_folder/cat/seed.jpg"), RequestBody.fromString("x"));
        h2 = new H2Database(dir.resolve("modelloop"));
        detections = new JdbcDetectionStore(h2);
        runs = new JdbcRunStore(h2);
        FileParameterStore store = new FileParameterStore(dir.resolve("parameters.properties"));
        parameters = new ParameterService(store, NOTIFIER);
        parameters.start();
        systemState = new SystemStateRepository(store, Clock.systemUTC());
        review = new BuiltinReviewService(detections, s3, bucket, Clock.systemUTC());
    }

    /** The business HTTP server on the instance's port, as ModelLoop's camel.server.* settings give it. */
    @Configure
    void httpServer(MainConfigurationProperties main) {
        main.httpServer().withEnabled(true).withHost("127.0.0.1").withPort(Integer.parseInt(settings.get("modelloop.http.port")));
    }

    /** Sign-in and roles in front of the API, added after Camel Main's HTTP server as ModelLoop does before start. */
    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.context = camelContext;
        try {
            UserDirectory users = new UserDirectory(WebAuthSettings.usersFile(settings), settings.asMap());
            camelContext.addService(new WebConsole(WebAuthSettings.authenticator(settings, users, null), "auto", Set.of()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @AfterAll
    void stopParts() {
        context.stop();
        detections.close();
        runs.close();
        h2.close();
        s3.close();
        server.close();
    }

    @BeforeEach
    void users() {
        operator = new LoopApi(base, Fixture.OPERATOR);
        reviewer = new LoopApi(base, Fixture.REVIEWER);
        trainingCheck.reset();
    }

    @Test
    void getsReachTheirBeansAndAFixedPathIsNotTakenForAnId() throws Exception {
        detected("det-api-1");
        Map<String, Long> before = completed("api-parameters-list", "api-detections-stats", "api-detections-get", "api-status");

        JsonNode list = operator.json("/api/parameters");
        assertThat(list.path("location").asText()).isEqualTo(parameters.location());
        assertThat(list.path("parameters").findValuesAsText("name")).hasSize(ParameterDefinition.ALL.size()).contains(F1);

        JsonNode stats = operator.json("/api/detections/stats");
        assertThat(stats.has("error")).as(stats.toString()).isFalse();
        assertThat(operator.json("/api/detections/det-api-1").path("id").asText()).isEqualTo("det-api-1");
        HttpResponse<String> missing = operator.get("/api/detections/det-nowhere");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JsonResponses.JSON.readTree(missing.body()).path("error").asText()).isEqualTo("no detection det-nowhere");

        assertThat(operator.json("/api/status").path("leader").asBoolean()).isTrue();

        assertThat(since(before)).containsExactlyInAnyOrderEntriesOf(Map.of("api-parameters-list", 1L,
                "api-detections-stats", 1L, "api-detections-get", 2L, "api-status", 1L));
    }

    @Test
    void aPutReachesTheParameterBeanAsTheSignedInOperatorAndAWrongValueIsRefusedWithTheRule() throws Exception {
        Map<String, Long> before = completed("api-parameters-set");
        HttpResponse<String> set = put("/api/parameters/" + F1, Fixture.OPERATOR, "{\"value\":\"0.85\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(parameters.values().minimumF1Score()).isEqualTo(0.85);
        JsonNode latest = operator.json("/api/parameters/" + F1 + "/history").path("history").get(0);
        assertThat(latest.path("value").asText()).isEqualTo("0.85");
        assertThat(latest.path("changedBy").asText()).as("the user the web layer signed in").isEqualTo(Fixture.OPERATOR);

        HttpResponse<String> wrong = put("/api/parameters/" + F1, Fixture.OPERATOR, "{\"value\":\"1.5\"}");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(JsonResponses.JSON.readTree(wrong.body()).path("rule").asText())
                .isEqualTo(ParameterRule.FRACTION_0_TO_1.description());
        assertThat(parameters.values().minimumF1Score()).isEqualTo(0.85);
        assertThat(since(before)).containsEntry("api-parameters-set", 2L);

        HttpResponse<String> byReviewer = put("/api/parameters/" + F1, Fixture.REVIEWER, "{\"value\":\"0.5\"}");
        assertThat(byReviewer.statusCode()).as("a reviewer may not change parameters").isEqualTo(403);
        assertThat(parameters.values().minimumF1Score()).isEqualTo(0.85);
        assertThat(since(before)).as("refused before the route").containsEntry("api-parameters-set", 2L);
    }

    @Test
    void postsReachTheirBeansTheTrainingCheckRunsItsRouteAndAReviewerAnswersALoop() throws Exception {
        Map<String, Long> before = completed("api-training-check", "api-reviews-next", "api-reviews-answer");
        JsonNode run = operator.postJson("/api/training/check", null);
        assertThat(run.path("run").asText()).isEqualTo("run-42");
        assertThat(trainingCheck.getReceivedExchanges()).singleElement()
                .satisfies(e -> assertThat(e.getMessage().getHeader("ModelLoopTrigger")).isEqualTo("manual"));

        HumanLoop loop = HumanLoop.open(HumanLoop.A2I_WORKFLOW, detected("det-api-review"), "cat", 40.0, bucket,
                "images_for_detection/det-api-review.jpg", List.of("cat"), Instant.now());
        review.start(loop);
        JsonNode held = reviewer.postJson("/api/reviews/next", null);
        assertThat(held.path("name").asText()).isEqualTo(loop.name());
        assertThat(held.path("heldBy").asText()).as("held for the signed-in reviewer").isEqualTo(Fixture.REVIEWER);

        JsonNode answered = reviewer.postJson("/api/reviews/" + loop.name() + "/answer", "{\"label\":\"cat\"}");
        assertThat(answered.path("label").asText()).isEqualTo("cat");
        String output = answered.path("outputKey").asText();
        assertThat(s3.headObject(b -> b.bucket(bucket).key(output)).contentLength()).as("output written to the bucket").isPositive();
        assertThat(review.loop(loop.name()).orElseThrow().reviewer()).isEqualTo(Fixture.REVIEWER);

        assertThat(since(before)).containsExactlyInAnyOrderEntriesOf(Map.of("api-training-check", 1L,
                "api-reviews-next", 1L, "api-reviews-answer", 1L));
    }

    @Test
    void withoutCredentialsNothingIsReachedAndAnUnknownPathIs404() throws Exception {
        long before = totalApiExchanges();
        HttpResponse<String> anonymous = Fixture.sendRaw(HttpRequest.newBuilder(URI.create(base + "/api/parameters")).GET().build());
        assertThat(anonymous.statusCode()).isEqualTo(401);

        HttpResponse<String> unknown = operator.get("/api/nothing-here");
        assertThat(unknown.statusCode()).isEqualTo(404);
        HttpResponse<String> wrongVerb = operator.post("/api/status", null);
        assertThat(wrongVerb.statusCode()).as("no POST /api/status").isIn(404, 405);

        assertThat(totalApiExchanges()).as("no operation ran").isEqualTo(before);
    }

    /** Exchanges each operation's route completed: what Hawtio and /observe/metrics show under its id. */
    Map<String, Long> completed(String... operationIds) {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (String id : operationIds) {
            out.put(id, managed().getManagedRoute(id).getExchangesCompleted());
        }
        return out;
    }

    /** What the same operations completed since {@code before}. */
    Map<String, Long> since(Map<String, Long> before) {
        Map<String, Long> now = completed(before.keySet().toArray(String[]::new));
        now.replaceAll((id, n) -> n - before.get(id));
        return now;
    }

    long totalApiExchanges() {
        return context.getRoutes().stream().filter(r -> r.getRouteId().startsWith("api-"))
                .mapToLong(r -> managed().getManagedRoute(r.getRouteId()).getExchangesTotal()).sum();
    }

    ManagedCamelContext managed() {
        return context.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
    }

    HttpResponse<String> put(String path, String user, String json) {
        return Fixture.sendRaw(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", Fixture.basic(user))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** A classified detection record of an image in the bucket; returns its id. */
    static String detected(String id) {
        Instant at = Instant.now();
        String key = "images_for_detection/" + id + ".jpg";
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("jpeg"));
        detections.insertIfAbsent(Detection.builder().id(id).objectKey(bucket + "/" + key + "/e").detectedAt(at)
                .bucket(bucket).key(key).etag("e").modelVersion("v1").outcome(Detection.Outcome.CLASSIFIED).label("cat")
                .confidence(97.0).threshold(70.0).reviewEnabled(true).uploadedAt(at).build());
        return id;
    }
}
