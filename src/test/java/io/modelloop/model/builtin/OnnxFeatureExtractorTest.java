package io.modelloop.model.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX backbones: the MobileNetV2 converted from nsfwjs (bench/tools/tfjs-to-onnx) against the
 * outputs TensorFlow.js gave for the same images, either input layout, and files it cannot use.
 */
class OnnxFeatureExtractorTest {

    static final int SIZE = 224;

    static Path mobileNet() throws Exception {
        return Path.of(OnnxFeatureExtractorTest.class.getResource("/backbones/mobilenet_v2_nsfwjs.onnx").toURI());
    }

    /** The formulas of bench/tools/tfjs-to-onnx/reference.js: channel-first planes, values / 255. */
    static float[] syntheticImage(int kind) {
        float[] px = new float[3 * SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                for (int c = 0; c < 3; c++) {
                    int v;
                    if (kind == 0) {
                        v = new int[] {x, y, (x + y) >> 1}[c];
                    } else if (kind == 1) {
                        v = ((x >> 4) + (y >> 4)) % 2 == 0 ? new int[] {230, 40, 40}[c] : new int[] {20, 20, 20}[c];
                    } else {
                        int dx = x - 112;
                        int dy = y - 100;
                        v = dx * dx + dy * dy < 70 * 70 ? new int[] {224, 172, 140}[c] : new int[] {30, 60, 200}[c];
                    }
                    px[c * SIZE * SIZE + y * SIZE + x] = v / 255f;
                }
            }
        }
        return px;
    }

    @Test
    void theConvertedMobileNetGivesTheFeaturesAndClassesTensorFlowJsGives() throws Exception {
        JsonNode reference;
        try (InputStream in = getClass().getResourceAsStream("/backbones/mobilenet_v2_nsfwjs.reference.json")) {
            reference = new ObjectMapper().readTree(in);
        }
        try (FeatureExtractor backbone = Backbones.load(mobileNet().toString(), null, 32);
             OrtSession whole = OrtEnvironment.getEnvironment().createSession(mobileNet().toString())) {
            assertThat(backbone.imageSize()).as("the model fixes its input size").isEqualTo(SIZE);
            assertThat(backbone.declaredNormalisation()).contains(Normalisation.ZERO_TO_ONE);
            for (JsonNode image : reference.path("images")) {
                float[] px = syntheticImage(image.path("image").asInt());
                float[] features = backbone.features(px);
                assertThat(features).hasSize(1280);
                double maxRef = 0;
                double maxDiff = 0;
                for (int i = 0; i < features.length; i++) {
                    double r = image.path("features").get(i).asDouble();
                    maxRef = Math.max(maxRef, Math.abs(r));
                    maxDiff = Math.max(maxDiff, Math.abs(r - features[i]));
                }
                assertThat(maxDiff).as("largest feature difference, image " + image.path("image"))
                        .isLessThan(1e-3 * maxRef + 1e-4);

                try (OnnxTensor t = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(px),
                        new long[] {1, 3, SIZE, SIZE});
                     OrtSession.Result r = whole.run(Map.of("input", t))) {
                    float[] p = ((float[][]) r.get("probabilities").orElseThrow().getValue())[0];
                    for (int k = 0; k < 5; k++) {
                        assertThat((double) p[k]).as("class " + k + " of image " + image.path("image"))
                                .isCloseTo(image.path("probabilities").get(k).asDouble(), within(1e-4));
                    }
                }
            }
            // a batch gives each image's features in order
            float[] one = backbone.features(syntheticImage(1));
            float[] batch = new float[2 * 3 * SIZE * SIZE];
            System.arraycopy(syntheticImage(0), 0, batch, 0, 3 * SIZE * SIZE);
            System.arraycopy(syntheticImage(1), 0, batch, 3 * SIZE * SIZE, 3 * SIZE * SIZE);
            float[] both = backbone.features(batch);
            assertThat(both).hasSize(2 * 1280);
            assertThat(both[1280 + 7]).isCloseTo(one[7], within(1e-4f));
        }
    }

    @Test
    void channelsLastAndChannelsFirstModelsSeeTheSameImage(@TempDir Path dir) {
        float[] px = new float[3 * 20 * 20];
        for (int i = 0; i < px.length; i++) {
            px[i] = i < 400 ? 0.2f : i < 800 ? 0.5f : 0.9f; // R, G, B planes
        }
        Path nhwc = TinyOnnx.write(dir.resolve("nhwc.onnx"), true, 0, 20, 20, 3);
        Path nchw = TinyOnnx.write(dir.resolve("nchw.onnx"), false, 0, 3, 0, 0);
        try (FeatureExtractor last = Backbones.load(nhwc.toString(), null, 32);
             FeatureExtractor first = Backbones.load(nchw.toString(), null, 20)) {
            assertThat(last.imageSize()).isEqualTo(20);
            assertThat(first.imageSize()).as("free input size: the configured one").isEqualTo(20);
            assertThat(last.declaredNormalisation()).isEmpty();
            assertThat(last.features(px)).containsExactly(new float[] {0.2f, 0.5f, 0.9f}, within(1e-6f));
            assertThat(first.features(px)).containsExactly(new float[] {0.2f, 0.5f, 0.9f}, within(1e-6f));
        }
    }

    @Test
    void filesItCannotUseAreRefusedByName(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.onnx");
        assertThatThrownBy(() -> Backbones.load(missing.toString(), null, 32))
                .isInstanceOf(Backbones.BackboneUnavailableException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
        Path corrupt = Files.write(dir.resolve("corrupt.onnx"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertThatThrownBy(() -> Backbones.load(corrupt.toString(), null, 32))
                .isInstanceOf(Backbones.BackboneUnavailableException.class)
                .hasMessageContaining(corrupt.toString()).hasMessageContaining("not a readable ONNX model");
        String url = "https://models.example/mobilenet_v2.onnx";
        assertThatThrownBy(() -> Backbones.open(url, null, new BackboneFiles(null, dir), true, 32))
                .isInstanceOf(Backbones.BackboneUnavailableException.class)
                .hasMessageContaining(url).hasMessageContaining("modelloop.builtin.backbone-sha256");
        Path grey = TinyOnnx.write(dir.resolve("grey.onnx"), false, 0, 1, 28, 28);
        assertThatThrownBy(() -> Backbones.load(grey.toString(), null, 32))
                .isInstanceOf(Backbones.BackboneUnavailableException.class)
                .hasMessageContaining(grey.toString()).hasMessageContaining("[-1, 1, 28, 28]")
                .hasMessageContaining("not an RGB image batch");
    }
}
