package io.modelloop.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.modelloop.ModelLoop;
import io.modelloop.testing.Fixture;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The local profile's S3 store as a user meets it: the endpoint printed at start-up, files
 * copied straight into data/bucket, and the AWS SDK (what the aws CLI uses) against it.
 */
class LocalS3StoreTest {

    private static final Pattern BANNER_S3 = Pattern.compile("Local S3 store\\s*: (http://\\S+)\\s+bucket '([^']+)'");

    @TempDir
    static Path data;
    @TempDir
    static Path images;

    static ModelLoop loop;
    static String stdout;
    static String endpoint;
    static S3Client s3;
    static Path detectionDir;

    @BeforeAll
    static void start() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new TeeStream(original, captured), true, StandardCharsets.UTF_8));
        try {
            loop = Fixture.startLocal(data, Map.of());
        } finally {
            System.setOut(original);
        }
        stdout = captured.toString(StandardCharsets.UTF_8);
        Matcher m = BANNER_S3.matcher(stdout);
        endpoint = m.find() ? m.group(1) : null;
        // what a user would type from the banner: any access key, path-style addressing
        s3 = endpoint == null ? null : S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("any", "thing")))
                .build();
        detectionDir = data.resolve("bucket").resolve("images_for_detection");
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (loop != null) {
            loop.close();
        }
    }

    @Test
    void startupPrintsTheS3EndpointAndBucket() {
        Matcher m = BANNER_S3.matcher(stdout);
        assertThat(m.find()).as("banner line naming the local S3 store in:%n%s", stdout).isTrue();
        assertThat(m.group(1)).isEqualTo(loop.s3Endpoint()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(m.group(1)).endsWith(":" + loop.settings().get("modelloop.s3.port"));
        assertThat(m.group(2)).isEqualTo("bucket");
        assertThat(stdout).contains("aws --endpoint-url " + loop.s3Endpoint() + " s3 ls s3://bucket/");
        assertThat(stdout).contains(data.resolve("bucket").toString());
    }

    @Test
    void anImageCopiedIntoTheBucketFolderBecomesAnObjectWithItsMd5AsEtag() throws Exception {
        String name = "red flower+1 ü.jpg";
        Path source = jpeg("copied.jpg", Color.RED);
        Files.copy(source, detectionDir.resolve(name));

        String key = "images_for_detection/" + name;
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(listed(key)).hasValueSatisfying(o -> assertThat(unquote(o.eTag())).isEqualTo(md5(source))));
        S3Object o = listed(key).orElseThrow();
        assertThat(o.size()).isEqualTo(Files.size(source));
        assertThat(unquote(s3.headObject(b -> b.bucket("bucket").key(key)).eTag())).isEqualTo(md5(source));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("bucket").key(key)).asByteArray()).isEqualTo(Files.readAllBytes(source));
    }

    @Test
    void overwritingACopiedFileUpdatesItsEtag() throws Exception {
        String key = "images_for_detection/overwritten photo.jpg";
        Path target = detectionDir.resolve("overwritten photo.jpg");
        Path first = jpeg("first.jpg", Color.BLUE);
        Files.copy(first, target);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(etag(key)).isEqualTo(md5(first)));

        // like `cp new.jpg target` when the copy replaces the file (extended attributes are lost)
        Path second = jpeg("second.jpg", Color.GREEN);
        Files.copy(second, target, StandardCopyOption.REPLACE_EXISTING);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(etag(key)).isEqualTo(md5(second)));

        // like GNU `cp` onto an existing file: rewritten in place, the old MD5 attribute is still there
        Path third = jpeg("third.jpg", Color.YELLOW);
        Files.write(target, Files.readAllBytes(third), StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(etag(key)).isEqualTo(md5(third)));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("bucket").key(key)).asByteArray()).isEqualTo(Files.readAllBytes(third));
    }

    @Test
    void anObjectPutThroughTheSdkKeepsItsEtag() throws Exception {
        String key = "images_for_detection/sdk put+2 é ü.jpg";
        Path image = jpeg("put.jpg", Color.MAGENTA);
        String putEtag = s3.putObject(b -> b.bucket("bucket").key(key).contentType("image/jpeg"),
                RequestBody.fromFile(image)).eTag();
        assertThat(unquote(putEtag)).isEqualTo(md5(image));

        // several passes of the repair timer (every 2 s) must leave it alone
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
                .until(() -> md5(image).equals(etag(key)));
        assertThat(s3.headObject(b -> b.bucket("bucket").key(key)).contentType()).isEqualTo("image/jpeg");
        assertThat(detectionDir.resolve("sdk put+2 é ü.jpg")).exists();
    }

    @Test
    void aMultipartUploadKeepsItsEtag() throws Exception {
        String key = "images_labeled_by_folder/big/multipart upload+1.bin";
        byte[] part1 = new byte[5 * 1024 * 1024];
        byte[] part2 = new byte[1024];
        java.util.Arrays.fill(part1, (byte) 7);
        java.util.Arrays.fill(part2, (byte) 9);
        String uploadId = s3.createMultipartUpload(b -> b.bucket("bucket").key(key)).uploadId();
        String e1 = s3.uploadPart(b -> b.bucket("bucket").key(key).uploadId(uploadId).partNumber(1), RequestBody.fromBytes(part1)).eTag();
        String e2 = s3.uploadPart(b -> b.bucket("bucket").key(key).uploadId(uploadId).partNumber(2), RequestBody.fromBytes(part2)).eTag();
        String etag = unquote(s3.completeMultipartUpload(b -> b.bucket("bucket").key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(p -> p.partNumber(1).eTag(e1), p -> p.partNumber(2).eTag(e2)))).eTag());
        assertThat(etag).isNotBlank();

        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
                .until(() -> etag.equals(unquote(s3.headObject(b -> b.bucket("bucket").key(key)).eTag())));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("bucket").key(key)).asByteArray()).hasSize(part1.length + part2.length);
    }

    @Test
    void overwritingAnSdkPutObjectByCopyUpdatesItsEtag() throws Exception {
        String key = "images_for_detection/put then copied.jpg";
        Path put = jpeg("put-first.jpg", Color.CYAN);
        s3.putObject(b -> b.bucket("bucket").key(key), RequestBody.fromFile(put));
        assertThat(etag(key)).isEqualTo(md5(put));
        // some time later (the repair timer has looked at the upload by then) the user overwrites it
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> md5(put).equals(etag(key)));
        Path target = detectionDir.resolve("put then copied.jpg");

        // GNU `cp` onto the existing file rewrites it in place: S3Proxy's MD5 attribute stays behind
        Path copied = jpeg("put-then-copied.jpg", Color.PINK);
        Files.write(target, Files.readAllBytes(copied), StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(etag(key)).isEqualTo(md5(copied)));
    }

    @Test
    void keysWithSpacesPlusAndUnicodeRoundTrip() throws Exception {
        List<String> keys = List.of("images_labeled_by_folder/red flower/a+b ü.jpg",
                "images_labeled_by_folder/red flower/x%20y (1).png", "images_for_detection/日本 語+%2B.jpg");
        Path image = jpeg("round.jpg", Color.ORANGE);
        for (String key : keys) {
            s3.putObject(b -> b.bucket("bucket").key(key), RequestBody.fromFile(image));
        }
        List<String> listed = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket("bucket")).contents().forEach(o -> listed.add(o.key()));
        assertThat(listed).containsAll(keys);
        for (String key : keys) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket("bucket").key(key)).asByteArray()).as(key)
                    .isEqualTo(Files.readAllBytes(image));
        }
        assertThat(data.resolve("bucket/images_labeled_by_folder/red flower/a+b ü.jpg")).exists();
        // prefix listing by label folder, as training does
        List<String> labeled = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket("bucket").prefix("images_labeled_by_folder/red flower/"))
                .contents().forEach(o -> labeled.add(o.key()));
        assertThat(labeled).containsExactlyInAnyOrder(keys.get(0), keys.get(1));
    }

    @Test
    void theStoreListensOnLoopbackOnly() throws Exception {
        URI uri = URI.create(endpoint);
        try (Socket ok = new Socket()) {
            ok.connect(new InetSocketAddress("127.0.0.1", uri.getPort()), 2000);
        }
        List<InetAddress> external = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (!a.isLoopbackAddress() && !(a instanceof Inet6Address v6 && v6.isLinkLocalAddress())) {
                    external.add(a);
                }
            }
        }
        assumeFalse(external.isEmpty(), "this machine has no non-loopback address");
        for (InetAddress a : external) {
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(a, uri.getPort()), 2000);
                }
            }).as("connection to %s:%d", a.getHostAddress(), uri.getPort()).isInstanceOf(ConnectException.class);
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    private static Optional<S3Object> listed(String key) {
        return s3.listObjectsV2(b -> b.bucket("bucket").prefix("images_for_detection/")).contents().stream()
                .filter(o -> o.key().equals(key)).findFirst();
    }

    private static String etag(String key) {
        return listed(key).map(o -> unquote(o.eTag())).orElse(null);
    }

    private static String unquote(String etag) {
        return etag == null ? null : etag.replace("\"", "");
    }

    private static String md5(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path jpeg(String name, Color color) {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 64, 48);
        g.setColor(Color.WHITE);
        g.drawString(name, 2, 24);
        g.dispose();
        Path file = images.resolve(name);
        try {
            ImageIO.write(img, "jpg", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Copies everything written to System.out to a buffer as well. */
    private static final class TeeStream extends java.io.OutputStream {
        private final PrintStream out;
        private final ByteArrayOutputStream copy;

        TeeStream(PrintStream out, ByteArrayOutputStream copy) {
            this.out = out;
            this.copy = copy;
        }

        @Override
        public synchronized void write(int b) {
            out.write(b);
            copy.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            out.write(b, off, len);
            copy.write(b, off, len);
        }

        @Override
        public void flush() {
            out.flush();
        }
    }
}
