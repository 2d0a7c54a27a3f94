package io.modelloop.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelloop.ModelLoop;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.LogCapture;
import io.modelloop.testing.LoopApi;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An upload the local store never finished (the process was killed between S3Proxy writing its
 * "&lt;key&gt;-&lt;UUID&gt;" temporary file and renaming it) is not listed as an object after a restart;
 * an object whose key merely ends in a UUID is (crash soak, issue 13).
 */
class IncompleteUploadsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path data;

    @Test
    void aKilledRunsUploadLeftoversAreMovedAsideAtStartUpButObjectsWithAUuidNameStay() throws Exception {
        Path bucketDir = data.resolve("bucket");
        // a key that ends in a UUID like S3Proxy's temporary files, uploaded through the S3 API (so it has S3Proxy's MD5)
        String legit = "images_for_detection/camera-" + UUID.randomUUID();
        byte[] image = png();
        try (LocalS3Server store = new LocalS3Server(data, Fixture.freePort()).start("bucket");
             S3Client s3 = client(store.endpoint())) {
            s3.putObject(b -> b.bucket("bucket").key(legit).contentType("image/png"), RequestBody.fromBytes(image));
        }
        // what a kill -9 during two uploads leaves: an empty temporary file, and one half written
        String emptyKey = "images_for_detection/soak-00839.png-" + UUID.randomUUID();
        Files.createFile(bucketDir.resolve(emptyKey));
        String partialKey = "images_labeled_by_folder/cat/kitten.png-" + UUID.randomUUID();
        byte[] half = java.util.Arrays.copyOf(image, image.length / 2);
        Files.createDirectories(bucketDir.resolve(partialKey).getParent());
        Files.write(bucketDir.resolve(partialKey), half);

        try (LogCapture log = LogCapture.capture();
             ModelLoop loop = Fixture.startLocal(data, Map.of("modelloop.poll.interval-ms", "200"))) {
            assertThat(keys(loop.s3(), "images_for_detection/")).containsExactly(legit);
            assertThat(keys(loop.s3(), "images_labeled_by_folder/")).isEmpty();
            LoopApi api = new LoopApi(Fixture.httpBase(loop), Fixture.OPERATOR);
            await().atMost(WAIT).until(() -> api.allDetections().stream().anyMatch(d -> legit.equals(d.path("key").asText())));

            Path aside = data.resolve("incomplete-uploads");
            assertThat(aside.resolve(emptyKey)).isEmptyFile();
            assertThat(aside.resolve(partialKey)).hasBinaryContent(half);
            assertThat(bucketDir.resolve(emptyKey)).doesNotExist();
            assertThat(bucketDir.resolve(partialKey)).doesNotExist();
            assertThat(log.text().lines().filter(l -> l.startsWith("WARN") && l.contains("incomplete upload")))
                    .hasSize(2)
                    .anyMatch(l -> l.contains(emptyKey) && l.contains(aside.resolve(emptyKey).toString()))
                    .anyMatch(l -> l.contains(partialKey) && l.contains(aside.resolve(partialKey).toString()));
        }
    }

    @Test
    void whileRunningSuchAFileIsAnUploadInFlightAndIsLeftAlone() throws Exception {
        try (ModelLoop loop = Fixture.startLocal(data, Map.of("modelloop.poll.interval-ms", "200"))) {
            Path folder = data.resolve("bucket").resolve("images_for_detection");
            Path inFlight = folder.resolve("uploading.png-" + UUID.randomUUID());
            Files.createFile(inFlight);
            // once a file copied in later has been registered and detected, repair passes have seen both
            String copied = "images_for_detection/copied.png";
            Files.write(folder.resolve("copied.png"), png());
            LoopApi api = new LoopApi(Fixture.httpBase(loop), Fixture.OPERATOR);
            await().atMost(WAIT).until(() -> api.allDetections().stream().anyMatch(d -> copied.equals(d.path("key").asText())));

            assertThat(inFlight).exists();
            assertThat(data.resolve("incomplete-uploads")).doesNotExist();
        }
    }

    private static List<String> keys(S3Client s3, String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket("bucket").prefix(prefix)).contents().stream()
                .map(o -> o.key()).filter(k -> !k.endsWith("/")).toList();
    }

    private static S3Client client(String endpoint) {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create()).build();
    }

    private static byte[] png() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }
}
