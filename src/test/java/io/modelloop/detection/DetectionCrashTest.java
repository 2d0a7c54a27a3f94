package io.modelloop.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelloop.testing.ChildModelLoop;
import io.modelloop.testing.ElasticMq;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * kill -9 while a burst of images is being detected, then a restart on the same data folder:
 * every image ends up with exactly one detection record (issue 13, item 6). The JVM is a child
 * process, killed as soon as some but not all records can be read through the API, which is when
 * records the API already shows may not have reached the disk yet.
 */
class DetectionCrashTest {

    private static final int IMAGES = 50;
    private static final int KILL_AT = Integer.getInteger("crashtest.killAt", 20);
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    Path data;

    @Test
    void pollingTriggerKilledDuringABurstLeavesNoImageWithoutARecord() {
        try (ChildModelLoop child = ChildModelLoop.builder(data).property("modelloop.poll.interval-ms", "200").start()) {
            // 50 images arriving at once: files copied into the bucket folder, found by the same listing
            CompletableFuture<Integer> killed = CompletableFuture.supplyAsync(() -> killWhenSomeButNotAllAreRecorded(child, IMAGES));
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < IMAGES; i++) {
                String key = "images_for_detection/burst-%03d.png".formatted(i);
                write(child.bucketDir().resolve(key), png(i));
                keys.add(key);
            }
            int seen = killed.join();
            child.restart();

            // the trigger lists keys in order: once the sentinel (sorted last) has its record, a whole
            // listing since the restart has been handed to detection
            String sentinel = "images_for_detection/zz-sentinel.png";
            put(child, sentinel, 999);
            await().atMost(WAIT).until(() -> recordsPerKey(child).containsKey(sentinel));

            assertEveryImageRecordedOnce(child, keys, seen);
        }
    }

    @Test
    void sqsTriggerKilledDuringABurstLeavesNoImageWithoutARecord() {
        String oldKey = System.setProperty("aws.accessKeyId", "test");
        String oldSecret = System.setProperty("aws.secretAccessKey", "test");
        try (ElasticMq sqs = ElasticMq.start()) {
            String queueUrl = sqs.createQueueWithDlq("s3-events", 10, 5);
            String dlqUrl = sqs.queueUrl("s3-events-dlq");
            try (ChildModelLoop child = ChildModelLoop.builder(data)
                    .properties(Map.of("modelloop.trigger", "sqs", "modelloop.sqs.endpoint", sqs.endpoint(),
                            "modelloop.sqs.queue-url", queueUrl, "modelloop.aws.region", "us-east-1",
                            "modelloop.sqs.visibility-timeout-seconds", "5", "modelloop.sqs.wait-time-seconds", "1"))
                    .jvmArg("-Daws.accessKeyId=test").jvmArg("-Daws.secretAccessKey=test")
                    .start()) {
                List<String> keys = new ArrayList<>();
                List<String> records = new ArrayList<>();
                List<String> messages = new ArrayList<>();
                for (int i = 0; i < IMAGES; i++) {
                    String key = "images_for_detection/burst-%03d.png".formatted(i);
                    String etag = put(child, key, i);
                    keys.add(key);
                    records.add(S3Events.record("ObjectCreated:Put", ChildModelLoop.BUCKET, key, size(i), etag,
                            "00%016X".formatted(i)));
                    if (records.size() == 5) { // several records per message: deleted only when all are recorded
                        messages.add(S3Events.event(records));
                        records.clear();
                    }
                }
                CompletableFuture<Integer> killed = CompletableFuture.supplyAsync(() -> killWhenSomeButNotAllAreRecorded(child, IMAGES));
                messages.forEach(m -> sqs.send(queueUrl, m));
                int seen = killed.join();
                child.restart();

                // a message leaves the queue only once every record in it has been processed
                await().atMost(WAIT).until(() -> sqs.messagesIn(queueUrl) == 0);
                assertThat(sqs.messagesIn(dlqUrl)).isZero();
                assertEveryImageRecordedOnce(child, keys, seen);
            }
        } finally {
            restore("aws.accessKeyId", oldKey);
            restore("aws.secretAccessKey", oldSecret);
        }
    }

    /** Polls the API as fast as it answers; kills the child once it shows at least one record. Returns that count. */
    private static int killWhenSomeButNotAllAreRecorded(ChildModelLoop child, int total) {
        int[] seen = new int[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
            seen[0] = child.api().allDetections().size();
            return seen[0] >= KILL_AT;
        });
        child.kill();
        System.out.println("killed with " + seen[0] + " of " + total + " records visible");
        assertThat(seen[0]).as("the kill came before the burst was done (else this run tests nothing)").isLessThan(total);
        return seen[0];
    }

    private static void assertEveryImageRecordedOnce(ChildModelLoop child, List<String> keys, int seenBeforeKill) {
        Map<String, Long> perKey = recordsPerKey(child);
        List<String> missing = keys.stream().filter(k -> !perKey.containsKey(k)).toList();
        Map<String, Long> duplicated = perKey.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(missing).as("images with no detection record after kill -9 (%d records were visible at the kill)",
                seenBeforeKill).isEmpty();
        assertThat(duplicated).as("images with more than one record").isEmpty();
    }

    private static Map<String, Long> recordsPerKey(ChildModelLoop child) {
        Map<String, Long> perKey = new TreeMap<>();
        for (JsonNode d : child.api().allDetections()) {
            perKey.merge(d.path("key").asText(), 1L, Long::sum);
        }
        return perKey;
    }

    /** Puts a small PNG (distinct per n) and returns its ETag. */
    private static String put(ChildModelLoop child, String key, int n) {
        return child.s3().putObject(b -> b.bucket(ChildModelLoop.BUCKET).key(key).contentType("image/png"),
                RequestBody.fromBytes(png(n))).eTag().replace("\"", "");
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(int n) {
        return png(n).length;
    }

    private static byte[] png(int n) {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(new Color((n * 37) % 256, (n * 91) % 256, (n * 53) % 256));
        g.fillRect(0, 0, 16, 16);
        g.setColor(Color.WHITE);
        g.fillRect(n % 16, n / 16 % 16, 1, 1);
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void restore(String property, String old) {
        if (old == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, old);
        }
    }
}
