package io.modelloop.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.storage.LocalS3Server;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Which objects count as training images (SPEC 4.4 step 1), against a real S3 server. */
class LabeledImagesTest {

    @TempDir
    static Path root;
    static LocalS3Server server;
    static S3Client s3;

    @BeforeAll
    static void start() {
        server = new LocalS3Server(root, 0).start("bucket");
        s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create()).build();
        put("images_labeled_by_folder/", "");
        put("images_labeled_by_folder/cat/", "");
        put("images_labeled_by_folder/cat/1.jpg", "x");
        put("images_labeled_by_folder/cat/2.PNG", "x");
        put("images_labeled_by_folder/cat/3.jpeg", "x");
        put("images_labeled_by_folder/cat/notes.txt", "x");
        put("images_labeled_by_folder/cat/empty.jpg", "");
        put("images_labeled_by_folder/dog house/1.png", "x");
        put("images_labeled_by_folder/dog house/nested/2.png", "x");
        put("images_labeled_by_folder/stray.jpg", "x");
        put("images_labeled_by_folder/.hidden/1.jpg", "x");
        put("images_for_detection/5.jpg", "x");
    }

    @AfterAll
    static void stop() {
        s3.close();
        server.close();
    }

    private static void put(String key, String body) {
        s3.putObject(b -> b.bucket("bucket").key(key), RequestBody.fromString(body));
    }

    @Test
    void countsNonEmptyImagesDirectlyUnderValidLabelFolders() {
        Map<String, List<String>> images = new LabeledImages(s3, "bucket").list();
        assertThat(images).containsOnlyKeys("cat", "dog house");
        assertThat(images.get("cat")).containsExactly("images_labeled_by_folder/cat/1.jpg",
                "images_labeled_by_folder/cat/2.PNG", "images_labeled_by_folder/cat/3.jpeg");
        assertThat(images.get("dog house")).containsExactly("images_labeled_by_folder/dog house/1.png");
        assertThat(LabeledImages.count(images)).isEqualTo(4);
    }
}
