package io.modelloop.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelloop.ModelLoop;
import io.modelloop.model.TrainingImages;
import io.modelloop.parameters.FileParameterStore;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.RekognitionStubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The detect route is the workflow an operator edits (#12): in dev mode, adding a `when` to the
 * `review-or-not` choice of routes/detection.yaml sends the next image down the new branch, with
 * no restart. The model (Rekognition, stubbed at the protocol level) is sure of every image, so
 * only the edited route can send one to review.
 */
class DetectionRouteReloadTest {

    static final String CHOICE = indent(18, "id: review-or-not\n") + indent(18, "when:\n");
    static final String NEW_WHEN = indent(20, "- id: always-review-x\n")
            + indent(22, "simple: \"${body.label} == 'X'\"\n")
            + indent(22, "steps:\n")
            + indent(24, "- to:\n")
            + indent(28, "id: send-x-to-review\n")
            + indent(28, "uri: direct:start-review\n");

    @TempDir
    Path tmp;
    RekognitionStubs rek;

    @AfterEach
    void stop() {
        if (rek != null) {
            rek.close();
        }
    }

    @Test
    void aWhenAddedToTheSavedDetectionRouteSendsTheNextSureImageToReview() throws Exception {
        rek = RekognitionStubs.start("modelloop");
        rek.projectExists();
        String version = rek.version("v1").completesWithF1(0.9).detects("X", 97.0, "Y", 3.0).alreadyRunning().arn();
        Path data = tmp.resolve("data");
        new SystemStateRepository(new FileParameterStore(data.resolve("parameters.properties")), Clock.systemUTC())
                .update(s -> s.withRunningModelVersion(version));
        Path routes = tmp.resolve("routes");
        Files.createDirectories(routes);
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, routes.resolve(f.getFileName().toString()));
            }
        }
        Map<String, String> s = new HashMap<>(rek.settings());
        s.put("modelloop.model.backend", "rekognition");
        s.put("modelloop.poll.interval-ms", "200");
        s.put("modelloop.dev", "true");
        s.put("modelloop.routes.dir", routes.toString());

        try (ModelLoop loop = Fixture.startLocal(data, s)) {
            put(loop, "images_labeled_by_folder/X/seed.png", TrainingImages.CIRCLE);
            Detection before = awaitDetection(loop, "images_for_detection/before.png");
            assertThat(before.confidence()).isEqualTo(97.0);
            assertThat(before.humanLoopName()).as("a sure image is not reviewed by the shipped route").isNull();

            Path detection = routes.resolve("detection.yaml");
            String yaml = Files.readString(detection);
            assertThat(yaml).contains(CHOICE);
            Files.writeString(detection, yaml.replace(CHOICE, CHOICE + NEW_WHEN));
            await().atMost(Duration.ofSeconds(30)).until(() -> loop.camel().getProcessor("send-x-to-review") != null);

            Detection after = awaitDetection(loop, "images_for_detection/after.png");
            assertThat(after.confidence()).isEqualTo(97.0);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(loop.detectionStore().get(after.id())
                    .orElseThrow().humanLoopName()).as("the new branch opened a loop").isNotNull());
            assertThat(loop.detectionStore().get(before.id()).orElseThrow().humanLoopName()).isNull();
            assertThat(loop.notificationLog().newestFirst(null, 100)).anySatisfy(n -> {
                assertThat(n.type()).isEqualTo("HumanLoopStarted");
                assertThat(n.message()).contains("after.png", "at 97.0%, sent by a rule of the detect route");
            });
        }
    }

    static String indent(int spaces, String line) {
        return " ".repeat(spaces) + line;
    }

    static void put(ModelLoop loop, String key, String kind) {
        byte[] png = TrainingImages.encode(TrainingImages.draw(kind, new Random(key.hashCode())), "png");
        loop.s3().putObject(b -> b.bucket("bucket").key(key), RequestBody.fromBytes(png));
    }

    static Detection awaitDetection(ModelLoop loop, String key) {
        put(loop, key, TrainingImages.STRIPES);
        await().atMost(Duration.ofSeconds(30)).until(() -> find(loop, key) != null);
        return find(loop, key);
    }

    static Detection find(ModelLoop loop, String key) {
        return loop.detectionStore().query(DetectionQuery.all(100)).detections().stream()
                .filter(d -> d.key().equals(key)).findFirst().orElse(null);
    }
}
