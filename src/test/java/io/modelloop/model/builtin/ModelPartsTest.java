package io.modelloop.model.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modelloop.model.InvalidImageException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in model's pieces that need no engine: split, metrics, calibration, decoding, DJL settings. */
class ModelPartsTest {

    @Test
    void theTestSplitIsStratifiedAndReproducible() {
        List<Sample> samples = new ArrayList<>();
        int[] sizes = {12, 2, 1, 7};
        for (int label = 0; label < sizes.length; label++) {
            for (int i = 0; i < sizes[label]; i++) {
                samples.add(new Sample(label + "/" + i, label, new float[0]));
            }
        }
        StratifiedSplit.Split split = StratifiedSplit.split(samples, sizes.length, 0.25, 42);
        int[] held = new int[sizes.length];
        split.test().forEach(s -> held[s.label()]++);
        assertThat(held).containsExactly(3, 1, 0, 2);
        assertThat(split.trainOnlyLabels()).containsExactly(2);
        Set<String> all = new HashSet<>();
        split.train().forEach(s -> assertThat(all.add(s.key())).isTrue());
        split.test().forEach(s -> assertThat(all.add(s.key())).as("held out and trained on: " + s.key()).isTrue());
        assertThat(all).hasSize(samples.size());

        StratifiedSplit.Split again = StratifiedSplit.split(new ArrayList<>(samples), sizes.length, 0.25, 42);
        assertThat(again.test().stream().map(Sample::key).toList()).isEqualTo(split.test().stream().map(Sample::key).toList());
        StratifiedSplit.Split other = StratifiedSplit.split(new ArrayList<>(samples), sizes.length, 0.25, 43);
        assertThat(other.test().stream().map(Sample::key).toList()).isNotEqualTo(split.test().stream().map(Sample::key).toList());
    }

    @Test
    void theNextTrainingHoldsOutNearlyTheSameImagesWhateverTheirOrder() {
        List<Sample> first = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            first.add(new Sample("images_labeled_by_folder/cat/" + i + ".png", 0, new float[0]));
        }
        List<Sample> more = new ArrayList<>(first);
        for (int i = 100; i < 130; i++) {
            more.add(new Sample("images_labeled_by_folder/cat/" + i + ".png", 0, new float[0]));
        }
        java.util.Collections.shuffle(more, new java.util.Random(5));

        Set<String> before = keys(StratifiedSplit.split(new ArrayList<>(first), 1, 0.2, 42).test());
        Set<String> after = keys(StratifiedSplit.split(more, 1, 0.2, 42).test());

        assertThat(before).hasSize(20);
        assertThat(after).hasSize(26);
        // a fresh shuffle would keep about a fifth of them (20 x 26/130); ranking by key keeps nearly all
        Set<String> kept = new HashSet<>(before);
        kept.retainAll(after);
        assertThat(kept).hasSizeGreaterThanOrEqualTo(15);
    }

    private static Set<String> keys(List<Sample> samples) {
        Set<String> out = new HashSet<>();
        samples.forEach(s -> out.add(s.key()));
        return out;
    }

    @Test
    void f1IsTheMacroAverageOverLabelsWithTestImages() {
        List<String> labels = List.of("a", "b", "c");
        // a: 4 images, 3 right, 1 called b; b: 2 images, both right; c: no test image, but one a... none predicted c
        int[] truth = {0, 0, 0, 0, 1, 1};
        int[] predicted = {0, 0, 0, 1, 1, 1};
        Evaluation e = Evaluation.of(labels, truth, predicted);
        assertThat(e.perLabel().get("a").precision()).isEqualTo(1.0);
        assertThat(e.perLabel().get("a").recall()).isEqualTo(0.75);
        assertThat(e.perLabel().get("a").f1()).isCloseTo(2 * 0.75 / 1.75, within(1e-12));
        assertThat(e.perLabel().get("b").precision()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(e.perLabel().get("b").recall()).isEqualTo(1.0);
        assertThat(e.perLabel().get("c").support()).isZero();
        double expected = (2 * 0.75 / 1.75 + 2 * (2.0 / 3) / (2.0 / 3 + 1)) / 2;
        assertThat(e.macroF1()).isCloseTo(expected, within(1e-12));
        assertThat(e.accuracy()).isCloseTo(5.0 / 6, within(1e-12));
        assertThat(e.confusion()).containsOnlyKeys("a", "b");
        assertThat(e.confusion().get("a")).containsEntry("a", 3).containsEntry("b", 1).containsEntry("c", 0);
    }

    @Test
    void temperatureScalingUndoesOverconfidence() {
        Random r = new Random(1);
        int n = 4000;
        float[][] logits = new float[n][];
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            float[] z = new float[4];
            for (int c = 0; c < 4; c++) {
                z[c] = (float) (r.nextGaussian() * 1.5);
            }
            double[] p = TemperatureScaling.softmax(z, 1.0);
            double u = r.nextDouble();
            int y = 0;
            for (double acc = p[0]; acc < u && y < 3; acc += p[++y]) {
                // sample the label from the true probabilities
            }
            truth[i] = y;
            // the network is three times too sure of itself
            float[] shown = new float[4];
            for (int c = 0; c < 4; c++) {
                shown[c] = 3 * z[c];
            }
            logits[i] = shown;
        }
        double t = TemperatureScaling.fit(logits, truth);
        assertThat(t).isCloseTo(3.0, within(0.3));
        assertThat(TemperatureScaling.nll(logits, truth, t)).isLessThan(TemperatureScaling.nll(logits, truth, 1.0));
        double[] p = TemperatureScaling.softmax(new float[] {1, 2, 3}, 2.0);
        assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(p[2]).isGreaterThan(p[1]).isGreaterThan(p[0]);
    }

    @Test
    void imagesAreRecognisedByContentNotByName() throws Exception {
        ImageDecoder decoder = new ImageDecoder(1_000_000, 1_000_000);
        BufferedImage img = new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 10, 10);
        g.setColor(Color.BLACK);
        g.fillRect(10, 0, 10, 10);
        g.dispose();
        byte[] png = encode(img, "png");
        byte[] jpeg = encode(img, "jpg");
        assertThat(ImageDecoder.format(png)).isEqualTo("PNG");
        assertThat(ImageDecoder.format(jpeg)).isEqualTo("JPEG");

        float[] px = decoder.decode(png, 16, Normalisation.CENTRED);
        assertThat(px).hasSize(3 * 16 * 16);
        // 20 x 10 becomes 16 x 8 in rows 4-11, padded with the border's mean (half white, half black)
        assertThat(px[8 * 16]).isCloseTo(1f, within(0.01f));       // white, left, red channel
        assertThat(px[8 * 16 + 15]).isCloseTo(-1f, within(0.01f)); // black, right
        assertThat(px[2 * 256 + 8 * 16 + 15]).isCloseTo(-1f, within(0.01f));
        assertThat(px[0]).isCloseTo(0f, within(0.02f));            // grey padding
        assertThat(decoder.decode(jpeg, 16, Normalisation.CENTRED)[8 * 16]).isGreaterThan(0.9f);

        assertThatThrownBy(() -> decoder.read("GIF89a....".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("not a PNG or JPEG");
        assertThatThrownBy(() -> decoder.read(new byte[0]))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> decoder.read(Arrays.copyOf(jpeg, jpeg.length - 40)))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("JPEG");
        assertThatThrownBy(() -> decoder.read(Arrays.copyOf(png, png.length / 2)))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("PNG");
        assertThatThrownBy(() -> new ImageDecoder(1_000_000, 199).read(png))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("20x10 pixels");
        assertThatThrownBy(() -> new ImageDecoder(png.length - 1, 1_000_000).read(png))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("bytes");
    }

    @Test
    void aWideImageKeepsItsProportionsPaddedWithItsBackground() throws Exception {
        ImageDecoder decoder = new ImageDecoder(1_000_000, 1_000_000);
        Color[] backgrounds = {new Color(250, 250, 250), Color.BLACK, new Color(40, 90, 200)};
        for (Color background : backgrounds) {
            // 200 x 50: a 40 x 40 orange square in the middle
            BufferedImage wide = new BufferedImage(200, 50, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = wide.createGraphics();
            g.setColor(background);
            g.fillRect(0, 0, 200, 50);
            g.setColor(new Color(255, 140, 0));
            g.fillRect(80, 5, 40, 40);
            g.dispose();
            BufferedImage square = ImageDecoder.resize(decoder.read(encode(wide, "png")), 32);
            assertThat(square.getWidth()).isEqualTo(32);
            assertThat(square.getHeight()).isEqualTo(32);
            // scaled by 32/200 the image is 32 x 8 in rows 12-19; the rows above and below are the background
            for (int y : new int[] {0, 5, 11, 20, 26, 31}) {
                for (int x = 0; x < 32; x++) {
                    assertThat(close(square.getRGB(x, y), background.getRGB(), 2)).as("pad at %d,%d on %s", x, y, background)
                            .isTrue();
                }
            }
            // the square stays square: about 6.4 x 6.4 pixels of orange
            int minX = 32;
            int maxX = -1;
            int minY = 32;
            int maxY = -1;
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    if (close(square.getRGB(x, y), 0xFF8C00, 40)) {
                        minX = Math.min(minX, x);
                        maxX = Math.max(maxX, x);
                        minY = Math.min(minY, y);
                        maxY = Math.max(maxY, y);
                    }
                }
            }
            int width = maxX - minX + 1;
            int height = maxY - minY + 1;
            assertThat(width).as("orange width on %s", background).isBetween(5, 8);
            assertThat(height).as("orange height on %s", background).isBetween(5, 8);
            assertThat(Math.abs(width - height)).isLessThanOrEqualTo(1);
        }

        // transparent around the shape: padded with white, as transparency is drawn over white
        BufferedImage clear = new BufferedImage(200, 50, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = clear.createGraphics();
        g.setColor(new Color(255, 140, 0));
        g.fillRect(80, 5, 40, 40);
        g.dispose();
        BufferedImage square = ImageDecoder.resize(decoder.read(encode(clear, "png")), 32);
        assertThat(close(square.getRGB(3, 2), 0xFFFFFF, 1)).isTrue();
        assertThat(close(square.getRGB(3, 15), 0xFFFFFF, 1)).isTrue();
        assertThat(close(square.getRGB(16, 15), 0xFF8C00, 40)).isTrue();

        // a tall one the same way, and a one-pixel line still gives a square
        BufferedImage tall = ImageDecoder.resize(decoder.read(encode(rotate(clear), "png")), 32);
        assertThat(close(tall.getRGB(2, 3), 0xFFFFFF, 1)).isTrue();
        assertThat(close(tall.getRGB(15, 16), 0xFF8C00, 40)).isTrue();
        BufferedImage line = ImageDecoder.resize(new BufferedImage(4096, 1, BufferedImage.TYPE_INT_RGB), 32);
        assertThat(line.getWidth()).isEqualTo(32);
        assertThat(line.getHeight()).isEqualTo(32);
    }

    private static BufferedImage rotate(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getHeight(), img.getWidth(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                out.setRGB(y, x, img.getRGB(x, y));
            }
        }
        return out;
    }

    private static boolean close(int rgb, int expected, int tolerance) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xFF) - ((expected >> shift) & 0xFF)) > tolerance) {
                return false;
            }
        }
        return true;
    }

    @Test
    void djlStaysOfflineWithItsCacheInTheDataFolderUnlessTheUserSaysOtherwise(@TempDir Path data) {
        String offline = System.getProperty(DjlEnvironment.OFFLINE_PROPERTY);
        String cache = System.getProperty(DjlEnvironment.CACHE_DIR);
        try {
            System.setProperty(DjlEnvironment.OFFLINE_PROPERTY, "false");
            System.clearProperty(DjlEnvironment.CACHE_DIR);
            Path used = DjlEnvironment.prepare(data);
            assertThat(System.getProperty(DjlEnvironment.OFFLINE_PROPERTY)).isEqualTo("false");
            String env = System.getenv(DjlEnvironment.CACHE_DIR);
            if (env == null || env.isBlank()) {
                assertThat(used).isEqualTo(data.resolve("djl-cache").toAbsolutePath());
                assertThat(System.getProperty(DjlEnvironment.CACHE_DIR)).isEqualTo(used.toString());
            } else {
                assertThat(used).isEqualTo(Path.of(env));
            }

            System.clearProperty(DjlEnvironment.OFFLINE_PROPERTY);
            System.setProperty(DjlEnvironment.CACHE_DIR, "/somewhere/else");
            if (System.getenv(DjlEnvironment.OFFLINE_ENV) == null) {
                DjlEnvironment.prepare(data);
                assertThat(System.getProperty(DjlEnvironment.OFFLINE_PROPERTY)).isEqualTo("true");
            }
            if (env == null || env.isBlank()) {
                assertThat(DjlEnvironment.prepare(data)).isEqualTo(Path.of("/somewhere/else"));
            }
        } finally {
            restore(DjlEnvironment.OFFLINE_PROPERTY, offline);
            restore(DjlEnvironment.CACHE_DIR, cache);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    private static byte[] encode(BufferedImage img, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }
}
