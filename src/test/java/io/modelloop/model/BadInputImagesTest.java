package io.modelloop.model;

import io.modelloop.model.builtin.BuiltinModelBackend;
import io.modelloop.model.builtin.BuiltinModelSettings;
import io.modelloop.model.builtin.ImageDecoder;
import io.modelloop.storage.LocalS3Server;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;


/**
 * Issue #10 "Bad input" through the real built-in backend (S3 in-process): a 1 x 1 image, a
 * 4096 x 4096 one, greyscale, palette, 16-bit and transparent PNGs, a CMYK JPEG (Adobe APP14,
 * as Photoshop writes it) and a JPEG whose colours cannot be read are each either classified
 * (a known label and a confidence) or rejected with a reason naming the problem, at training
 * time (skippedImages "key: reason") and at classify time (InvalidImageException). Nothing
 * crashes or hangs, and a 4096 x 4096 image is not decoded in full.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BadInputImagesTest {

    static final String BUCKET = "bucket";
    static final String VERSION = "v-odd";
    static final String ODD = "images_labeled_by_folder/" + TrainingImages.CIRCLE + "/odd-";

    @TempDir
    static Path storeDir;
    @TempDir
    static Path dataDir;

    static LocalS3Server server;
    static S3Client s3;
    static BuiltinModelBackend pod;
    /** Odd image key to null when it must be classified, or to a word its rejection must contain. */
    static final Map<String, String> odd = new LinkedHashMap<>();
    static final Map<String, byte[]> bytes = new LinkedHashMap<>();

    @BeforeAll
    static void trainWithOddImages() throws Exception {
        server = new LocalS3Server(storeDir, 0).start(BUCKET);
        s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create()).build();
        Random r = new Random(11);
        List<GroundTruthManifest.Entry> entries = new ArrayList<>();
        for (String c : List.of(TrainingImages.CIRCLE, TrainingImages.STRIPES)) {
            for (int i = 0; i < 6; i++) {
                String key = "images_labeled_by_folder/" + c + "/" + i + ".png";
                put(key, TrainingImages.encode(TrainingImages.draw(c, r), "png"));
                entries.add(new GroundTruthManifest.Entry(BUCKET, key, c));
            }
        }
        odd("1x1.png", png(circle(1, 1, BufferedImage.TYPE_INT_RGB)), null);
        odd("4096x4096.png", png(circle(4096, 4096, BufferedImage.TYPE_INT_RGB)), null);
        odd("4096x1.png", png(circle(4096, 1, BufferedImage.TYPE_INT_RGB)), null);
        odd("grey.png", png(circle(60, 60, BufferedImage.TYPE_BYTE_GRAY)), null);
        odd("palette.png", png(circle(60, 60, BufferedImage.TYPE_BYTE_INDEXED)), null);
        odd("16bit.png", png(sixteenBitCircle(60, 60)), null);
        odd("transparent.png", png(circle(60, 60, BufferedImage.TYPE_INT_ARGB)), null);
        odd("cmyk.jpg", cmykJpeg(60, 60, 0), null);
        // four channels that say they are neither CMYK nor YCCK: no decoder can tell what colours they are
        odd("four-channels.jpg", cmykJpeg(60, 60, 1), "colour format");
        odd.keySet().forEach(k -> entries.add(new GroundTruthManifest.Entry(BUCKET, k, TrainingImages.CIRCLE)));
        String manifest = "manifests/odd.manifest";
        put(manifest, GroundTruthManifest.write(entries, Instant.now()).getBytes(StandardCharsets.UTF_8));

        pod = new BuiltinModelBackend(s3, BUCKET, BuiltinModelSettings.defaults(dataDir)
                .withImageSize(16).withEpochs(3).withBatchSize(8).withTestFraction(0.25)
                .withStatusCacheTtl(Duration.ofMillis(200)));
        pod.createVersion(new TrainingRequest(VERSION, BUCKET, manifest, "evaluation/", entries.size()));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> pod.describe(VERSION).status().trainingDone());
        pod.start(VERSION, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> pod.describe(VERSION).status() == ModelStatus.RUNNING);
    }

    @AfterAll
    static void tearDown() {
        if (pod != null) {
            pod.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void trainingUsesEveryReadableImageAndSkipsTheOthersWithTheirReason() {
        ModelVersion v = pod.describe(VERSION);
        assertThat(v.status()).as(v.statusMessage()).isEqualTo(ModelStatus.RUNNING);
        long rejected = odd.values().stream().filter(reason -> reason != null).count();
        assertThat(v.skippedImages()).hasSize((int) rejected);
        odd.forEach((key, reason) -> {
            if (reason != null) {
                assertThat(v.skippedImages()).anySatisfy(s -> assertThat(s).startsWith(key + ": ").contains(reason));
            } else {
                assertThat(v.skippedImages()).noneMatch(s -> s.startsWith(key + ":"));
            }
        });
        assertThat(v.trainingImages() + v.testImages()).isEqualTo(12 + odd.size() - (int) rejected);
    }

    @Test
    void eachOddImageIsClassifiedOrRejectedWithAReason() {
        List<String> labels = List.of(TrainingImages.CIRCLE, TrainingImages.STRIPES);
        odd.forEach((key, reason) -> {
            if (reason == null) {
                Classification c = pod.classify(VERSION, new ImageRef(BUCKET, key));
                assertThat(c.label()).as(key).isIn(labels);
                assertThat(c.confidence()).as(key).isBetween(0.0, 100.0);
            } else {
                try {
                    Classification c = pod.classify(VERSION, new ImageRef(BUCKET, key));
                    throw new AssertionError(key + " should be rejected, got " + c);
                } catch (InvalidImageException e) {
                    assertThat(e.getMessage()).as(key).contains(reason).contains("JPEG");
                }
            }
        });
    }

    @Test
    void aCmykJpegIsReadInItsRealColours() {
        BufferedImage read = new ImageDecoder(15 << 20, 4096L * 4096).read(bytes.get(ODD + "cmyk.jpg"));
        int centre = read.getRGB(30, 30);
        int corner = read.getRGB(1, 1);
        // a red disc on white: no ink in the corner, magenta and yellow in the middle
        assertThat(java.util.Arrays.stream(channels(corner)).min().orElseThrow()).isGreaterThan(230);
        int[] red = channels(centre);
        assertThat(red[0]).as("red of %s", java.util.Arrays.toString(red)).isGreaterThan(180);
        assertThat(red[0] - Math.max(red[1], red[2])).as("red over green and blue of %s", java.util.Arrays.toString(red))
                .isGreaterThan(100);
    }

    @Test
    void a4096PixelImageIsNotDecodedInFull() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ImageRef big = new ImageRef(BUCKET, ODD + "4096x4096.png");
        pod.classify(VERSION, big); // warm: the model is loaded, the S3 client connected
        long before = threads.getCurrentThreadAllocatedBytes();
        Classification c = pod.classify(VERSION, big);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(c.label()).isIn(TrainingImages.CIRCLE, TrainingImages.STRIPES);
        // decoded in full it is 48 MB of pixels before any resizing (a 16-bit RGBA one 128 MB)
        assertThat(allocated).as("bytes allocated to classify a 4096 x 4096 PNG").isLessThan(24L << 20);
    }

    // ---------------------------------------------------------------------------------------------

    static void odd(String name, byte[] image, String rejection) {
        put(ODD + name, image);
        odd.put(ODD + name, rejection);
        bytes.put(ODD + name, image);
    }

    /** A red disc on white, in the given image type (transparent around the disc when it has alpha). */
    static BufferedImage circle(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        if (!img.getColorModel().hasAlpha()) {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
        }
        g.setColor(new Color(220, 20, 20));
        int d = Math.max(1, Math.min(w, h) * 2 / 3);
        g.fillOval((w - d) / 2, (h - d) / 2, d, d);
        g.dispose();
        return img;
    }

    /** 16 bits per channel RGB (what ImageIO writes as a 16-bit PNG). */
    static BufferedImage sixteenBitCircle(int w, int h) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
        BufferedImage eight = circle(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] c = channels(eight.getRGB(x, y));
                raster.setPixel(x, y, new int[] {c[0] * 257, c[1] * 257, c[2] * 257});
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    /**
     * A four-channel JPEG with an Adobe APP14 marker: transform 0 is CMYK stored inverted (0 = full
     * ink), as Photoshop writes it; transform 1 claims YCbCr, which four channels cannot be.
     * ImageIO's writer encodes the four bands of a raster as they are; the marker says what they mean.
     */
    static byte[] cmykJpeg(int w, int h, int adobeTransform) throws IOException {
        BufferedImage rgb = circle(w, h, BufferedImage.TYPE_INT_RGB);
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] c = channels(rgb.getRGB(x, y));
                int k = 255 - Math.max(c[0], Math.max(c[1], c[2]));
                int[] ink = new int[4];
                for (int i = 0; i < 3; i++) {
                    ink[i] = k == 255 ? 0 : (255 - c[i] - k) * 255 / (255 - k);
                }
                ink[3] = k;
                for (int i = 0; i < 4; i++) {
                    ink[i] = 255 - ink[i]; // Adobe's inverted storage
                }
                cmyk.setPixel(x, y, ink);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(cmyk, null, null), null);
        } finally {
            writer.dispose();
        }
        byte[] jpeg = out.toByteArray();
        byte[] app14 = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) adobeTransform};
        byte[] marked = new byte[jpeg.length + app14.length];
        System.arraycopy(jpeg, 0, marked, 0, 2); // after SOI
        System.arraycopy(app14, 0, marked, 2, app14.length);
        System.arraycopy(jpeg, 2, marked, 2 + app14.length, jpeg.length - 2);
        return marked;
    }

    static int[] channels(int rgb) {
        return new int[] {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
    }

    static byte[] png(BufferedImage img) {
        return TrainingImages.encode(img, "png");
    }

    static void put(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }
}
