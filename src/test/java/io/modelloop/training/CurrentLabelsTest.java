package io.modelloop.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.storage.LocalS3Server;
import io.modelloop.testing.SuppliedClock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The label folders every review page shows, on S3Proxy. */
class CurrentLabelsTest {

    static final String BUCKET = "bucket";

    @TempDir
    Path dir;

    LocalS3Server server;
    S3Client s3;

    @BeforeEach
    void start() {
        server = new LocalS3Server(dir.resolve("s3"), 0).start(BUCKET);
        s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create()).build();
        put("images_labeled_by_folder/cat/a.png");
        put("images_labeled_by_folder/dog/b.png");
    }

    @AfterEach
    void stop() {
        s3.close();
        server.close();
    }

    private void put(String key) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(new byte[] {1}));
    }

    /**
     * A review answer that creates a label folder invalidates the list while another reviewer's page
     * reads it. Here the invalidation lands exactly between the reader's freshness check and its
     * return (the clock is read in between): the reader used to get null, and the page a 500.
     */
    @Test
    void aListInvalidatedWhileItIsReadStillGivesTheLabels() {
        CurrentLabels[] labels = new CurrentLabels[1];
        boolean[] invalidateOnRead = {false};
        Clock clock = new SuppliedClock(() -> {
            if (invalidateOnRead[0]) {
                labels[0].invalidate();
            }
            return Instant.parse("2026-12-03T10:00:00Z");
        });
        labels[0] = new CurrentLabels(s3, BUCKET, Duration.ofMinutes(1), clock);
        assertThat(labels[0].get()).containsExactly("cat", "dog");

        invalidateOnRead[0] = true;
        assertThat(labels[0].get()).containsExactly("cat", "dog");

        invalidateOnRead[0] = false;
        put("images_labeled_by_folder/emu/c.png");
        assertThat(labels[0].get()).as("the next read lists again").containsExactly("cat", "dog", "emu");
    }
}
