package io.modelloop.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.testing.LogCapture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repair pass over the local bucket folder and S3Proxy's own files in it. */
class LocalObjectRepairTest {

    @TempDir
    Path bucket;

    @Test
    void s3ProxysInFlightUploadFilesAreSkippedQuietly() throws Exception {
        Path folder = Files.createDirectories(bucket.resolve("images_for_detection"));
        Path copied = write(folder.resolve("copied by hand.png"));
        // S3Proxy's FilesystemNio2BlobStore writes a PUT to "<name>-<random UUID>" and then renames it
        Path inFlight = write(folder.resolve("uploading.png-" + UUID.randomUUID()));

        try (LogCapture log = LogCapture.capture()) {
            assertThat(new LocalObjectRepair(bucket, 0).repair()).containsExactly("images_for_detection/copied by hand.png");
            assertThat(log.text()).doesNotContain("Cannot read").doesNotContain("uploading.png");
        }
        assertThat(attributes(copied)).contains(LocalObjectRepair.MD5_ATTR);
        assertThat(attributes(inFlight)).isEmpty();
    }

    @Test
    void aKeyThatMerelyContainsAUuidIsStillRegistered() throws Exception {
        Path folder = Files.createDirectories(bucket.resolve("images_labeled_by_folder/cat"));
        String name = "humanLoopName-loop-1-" + UUID.randomUUID() + "-cat.png";
        write(folder.resolve(name));
        assertThat(new LocalObjectRepair(bucket, 0).repair()).containsExactly("images_labeled_by_folder/cat/" + name);
    }

    private static Path write(Path file) throws Exception {
        Files.writeString(file, "not important", StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
        return file;
    }

    private static java.util.List<String> attributes(Path file) throws Exception {
        return Files.getFileAttributeView(file, UserDefinedFileAttributeView.class).list();
    }
}
