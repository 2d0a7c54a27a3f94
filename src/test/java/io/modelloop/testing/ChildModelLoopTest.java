package io.modelloop.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/** The harness itself: a child that serves the API, is killed, and comes back on the same data. */
class ChildModelLoopTest {

    @TempDir
    Path data;

    @Test
    void aKilledChildRestartsOnItsDataFolder() {
        try (ChildModelLoop child = ChildModelLoop.builder(data).property("modelloop.poll.interval-ms", "200").start()) {
            assertThat(child.api().get("/api/status").statusCode()).isEqualTo(200);
            child.s3().putObject(b -> b.bucket(ChildModelLoop.BUCKET).key("images_for_detection/not-an-image.jpg"),
                    RequestBody.fromString("not an image"));
            await().atMost(Duration.ofSeconds(60)).until(() -> child.api().allDetections().size() == 1);

            long before = child.pid();
            child.kill();
            assertThat(child.isAlive()).isFalse();
            child.restart();
            assertThat(child.pid()).isNotEqualTo(before);
            assertThat(child.api().get("/api/status").statusCode()).isEqualTo(200);
            assertThat(child.s3().listObjectsV2(b -> b.bucket(ChildModelLoop.BUCKET).prefix("images_for_detection/"))
                    .contents()).extracting(o -> o.key()).contains("images_for_detection/not-an-image.jpg");
            assertThat(child.bucketDir().resolve("images_for_detection/not-an-image.jpg")).exists();
        }
    }
}
