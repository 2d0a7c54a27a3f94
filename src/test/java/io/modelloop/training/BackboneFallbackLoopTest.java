package io.modelloop.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.ModelLoop;
import io.modelloop.model.TrainingImages;
import io.modelloop.testing.Browser;
import io.modelloop.testing.Fixture;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A pretrained backbone named by a URL that cannot be reached (no network): the loop trains the
 * from-scratch network instead, and GET /api/models, the models page and a notification say so.
 */
class BackboneFallbackLoopTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void anUnreachableBackboneIsReportedInTheModelsApiAndANotification() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/mobilenet_v2.onnx";
        try (ModelLoop loop = Fixture.startLocal(data, Map.of("modelloop.training.poll-interval-ms", "300",
                "modelloop.builtin.epochs", "4",
                "modelloop.builtin.backbone", url,
                "modelloop.builtin.backbone-sha256", "ab".repeat(32)))) {
            Random r = new Random(5);
            for (String label : List.of(TrainingImages.CIRCLE, TrainingImages.STRIPES)) {
                for (int i = 0; i < 10; i++) {
                    byte[] img = TrainingImages.encode(TrainingImages.draw(label, r), "png");
                    String key = "images_labeled_by_folder/" + label + "/" + i + ".png";
                    loop.s3().putObject(b -> b.bucket("bucket").key(key), RequestBody.fromBytes(img));
                }
            }
            Fixture.send(HttpRequest.newBuilder(URI.create(Fixture.httpBase(loop) + "/api/training/check"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> loop.systemState().load().trainingRunInProgress() == null);

            JsonNode version = JSON.readTree(Fixture.get(Fixture.httpBase(loop) + "/api/models").body())
                    .path("versions").get(0);
            assertThat(version.path("backboneFallback").asText()).contains(url).contains("could not be downloaded")
                    .contains("trained from scratch instead");

            JsonNode notifications = JSON.readTree(Fixture.get(Fixture.httpBase(loop) + "/api/notifications").body())
                    .path("notifications");
            JsonNode fallback = null;
            for (JsonNode n : notifications) {
                if (n.path("type").asText().equals("BackboneUnavailable")) {
                    fallback = n;
                }
            }
            assertThat(fallback).as(notifications.toString()).isNotNull();
            assertThat(fallback.path("message").asText()).contains("without its pretrained backbone").contains(url);

            // the models page says it next to the version's status, the status page in the model card
            try (Browser browser = new Browser(Fixture.httpBase(loop))) {
                browser.signIn(Fixture.OPERATOR);
                browser.laptop().open("/console/models.html");
                assertThat(browser.find("#versions .backbone-fallback").getText())
                        .contains("Trained without its pretrained backbone").contains(url);
                // and the status page (dashboard), in the serving model's card
                browser.laptop().open("/console/index.html");
                assertThat(browser.find("#stat-model-fallback").getText())
                        .contains("without its pretrained backbone").contains(url);
            }
        }
    }
}
