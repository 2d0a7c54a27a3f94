package io.modelloop.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelloop.model.TrainingImages;
import io.modelloop.parameters.FileParameterStore;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.testing.ChildModelLoop;
import io.modelloop.testing.LoopApi;
import io.modelloop.testing.RekognitionStubs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue 13 item 7: ModelLoop (a child JVM) is killed with kill -9 right after answering six
 * review loops. After a restart every answered loop is still answered, each answer's image is
 * in the training folders exactly once, and answering again is refused with 409.
 */
class ReviewAnswerCrashTest {

    static final int IMAGES = 8;
    static final int ANSWERED = 6;

    @TempDir
    Path data;
    RekognitionStubs rek;
    ChildModelLoop child;

    @BeforeEach
    void start() {
        rek = RekognitionStubs.start("modelloop");
        rek.projectExists();
        // the model is unsure of everything: 55 % is below the default threshold of 70, so each image gets a loop
        String version = rek.version("v1").completesWithF1(0.9).detects("cat", 55.0, "dog", 45.0).alreadyRunning().arn();
        new SystemStateRepository(new FileParameterStore(data.resolve("parameters.properties")), Clock.systemUTC())
                .update(s -> s.withRunningModelVersion(version));
        child = ChildModelLoop.builder(data).properties(rek.settings())
                .property("modelloop.model.backend", "rekognition")
                .property("modelloop.poll.interval-ms", "200")
                .property("modelloop.review.results-interval-ms", "200")
                .jvmArg("-Daws.accessKeyId=test").jvmArg("-Daws.secretAccessKey=test")
                .start();
    }

    @AfterEach
    void stop() {
        if (child != null) {
            child.close();
        }
        rek.close();
    }

    static byte[] png(String kind, int seed) {
        return TrainingImages.encode(TrainingImages.draw(kind, new Random(seed)), "png");
    }

    @Test
    void answersSurviveAKillRightAfterTheyAreGiven() {
        child.s3().putObject(b -> b.bucket(ChildModelLoop.BUCKET).key("images_labeled_by_folder/cat/seed.png"),
                RequestBody.fromBytes(png(TrainingImages.CIRCLE, 1)));
        child.s3().putObject(b -> b.bucket(ChildModelLoop.BUCKET).key("images_labeled_by_folder/dog/seed.png"),
                RequestBody.fromBytes(png(TrainingImages.STRIPES, 2)));
        for (int i = 0; i < IMAGES; i++) {
            int n = i;
            child.s3().putObject(b -> b.bucket(ChildModelLoop.BUCKET).key("images_for_detection/img-" + n + ".png"),
                    RequestBody.fromBytes(png(TrainingImages.CIRCLE, 100 + n)));
        }
        LoopApi reviewer = child.reviewerApi();
        await().atMost(Duration.ofSeconds(90)).until(() -> reviewer.json("/api/reviews?limit=50").path("count").asInt() == IMAGES);
        List<String> open = new ArrayList<>();
        reviewer.json("/api/reviews?limit=50").path("loops").forEach(l -> open.add(l.path("name").asText()));

        Map<String, String> answers = new LinkedHashMap<>();
        for (int i = 0; i < ANSWERED; i++) {
            String loop = open.get(i);
            String label = i % 2 == 0 ? "cat" : "dog";
            reviewer.postJson("/api/reviews/" + loop + "/answer", "{\"label\":\"" + label + "\",\"reviewer\":\"ann\"}");
            answers.put(loop, label);
        }
        child.kill();
        child.restart();

        for (Map.Entry<String, String> a : answers.entrySet()) {
            JsonNode loop = reviewer.json("/api/reviews/" + a.getKey());
            assertThat(loop.path("status").asText()).as("loop %s after the restart", a.getKey()).isEqualTo("ANSWERED");
            assertThat(loop.path("answer").asText()).isEqualTo(a.getValue());
        }
        assertThat(reviewer.json("/api/reviews?limit=50").path("count").asInt()).isEqualTo(IMAGES - ANSWERED);

        // every answer reaches the training folders, each exactly once
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(answers.keySet())
                .allSatisfy(l -> assertThat(copies(l)).as("copies of %s", l).hasSize(1)));
        await().atMost(Duration.ofSeconds(30)).until(() -> reviewedDetections(child.api()) == ANSWERED);
        for (Map.Entry<String, String> a : answers.entrySet()) {
            assertThat(copies(a.getKey())).as("copies of loop %s", a.getKey()).hasSize(1)
                    .allMatch(k -> k.startsWith("images_labeled_by_folder/" + a.getValue() + "/"));
        }

        // answering again is refused with the answer that stands
        for (Map.Entry<String, String> a : answers.entrySet()) {
            String other = a.getValue().equals("cat") ? "dog" : "cat";
            HttpResponse<String> again = reviewer.post("/api/reviews/" + a.getKey() + "/answer",
                    "{\"label\":\"" + other + "\",\"reviewer\":\"bob\"}");
            assertThat(again.statusCode()).as("answering %s again", a.getKey()).isEqualTo(409);
            assertThat(again.body()).contains("already answered").contains(a.getValue());
        }
    }

    List<String> copies(String loop) {
        List<String> keys = new ArrayList<>();
        for (S3Object o : child.s3().listObjectsV2Paginator(b -> b.bucket(ChildModelLoop.BUCKET)
                .prefix("images_labeled_by_folder/")).contents()) {
            if (o.key().contains("/humanLoopName-" + loop + "-")) {
                keys.add(o.key());
            }
        }
        return keys;
    }

    static long reviewedDetections(LoopApi api) {
        return api.allDetections().stream().filter(d -> d.hasNonNull("reviewedAt")).count();
    }
}
