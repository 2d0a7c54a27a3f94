package io.modelloop.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.model.builtin.BuiltinModelSettings;
import io.modelloop.model.builtin.TinyOnnx;
import io.modelloop.storage.LocalS3Server;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The built-in backend with a real pretrained backbone (MobileNetV2 from nsfwjs, converted to ONNX
 * by bench/tools/tfjs-to-onnx) through an in-process S3 store, and backbone files it cannot use.
 */
class PretrainedBackboneTest {

    static final String BUCKET = "bucket";
    static final List<String> CLASSES = List.of(TrainingImages.CIRCLE, TrainingImages.STRIPES, TrainingImages.CHECKERS);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path storeDir;
    @TempDir
    static Path dataDir;

    static LocalS3Server server;
    static S3Client s3;
    static String manifestKey;
    static Map<String, List<String>> fresh = new TreeMap<>();
    static Path mobileNet;

    static BuiltinModelSettings settings(String backbone) {
        return BuiltinModelSettings.defaults(dataDir).withImageSize(24).withEpochs(12).withBatchSize(8)
                .withLearningRate(0.003).withTestFraction(0.25).withStatusCacheTtl(Duration.ofMillis(200))
                .withBackbone(backbone);
    }

    @BeforeAll
    static void setUp() throws Exception {
        mobileNet = Path.of(PretrainedBackboneTest.class.getResource("/backbones/mobilenet_v2_nsfwjs.onnx").toURI());
        server = new LocalS3Server(storeDir, 0).start(BUCKET);
        s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create()).build();
        Random r = new Random(11);
        List<GroundTruthManifest.Entry> entries = new ArrayList<>();
        for (String c : CLASSES) {
            for (int i = 0; i < 8; i++) {
                String key = "images_labeled_by_folder/" + c + "/" + i + ".png";
                put(key, TrainingImages.encode(TrainingImages.draw(c, r), "png"));
                entries.add(new GroundTruthManifest.Entry(BUCKET, key, c));
            }
            for (int i = 0; i < 2; i++) {
                String key = "images_for_detection/fresh-" + c + "-" + i + ".jpg";
                put(key, TrainingImages.encode(TrainingImages.draw(c, r), "jpg"));
                fresh.computeIfAbsent(c, k -> new ArrayList<>()).add(key);
            }
        }
        manifestKey = "manifests/shapes.manifest";
        put(manifestKey, GroundTruthManifest.write(entries, Instant.now()).getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void tearDown() {
        if (s3 != null) {
            s3.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aConvertedMobileNetTrainsServesAndClassifiesOnTwoPods() throws Exception {
        BuiltinModelSettings settings = settings(mobileNet.toString());
        try (BuiltinModelBackend trainer = new BuiltinModelBackend(s3, BUCKET, settings);
             BuiltinModelBackend other = new BuiltinModelBackend(s3, BUCKET, settings)) {
            trainer.createVersion(new TrainingRequest("v-mobilenet", BUCKET, manifestKey, "evaluation/", 0));
            ModelVersion v = awaitTrained(trainer, "v-mobilenet");
            assertThat(v.status()).as(v.statusMessage()).isEqualTo(ModelStatus.TRAINING_COMPLETED);
            JsonNode model = JSON.readTree(get("models/v-mobilenet/model.json"));
            assertThat(model.path("architecture").path("type").asText()).isEqualTo("backbone-linear-head");
            assertThat(model.path("architecture").path("featureSize").asInt()).isEqualTo(1280);
            assertThat(model.path("imageSize").asInt()).as("the model's own input size").isEqualTo(224);
            assertThat(model.path("normalisation").path("std").get(0).asDouble())
                    .as("the scaling the file declares (0..1), recorded so serving scales alike").isEqualTo(1.0);
            assertThat(v.f1()).isGreaterThanOrEqualTo(0.8);

            trainer.start("v-mobilenet", 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> trainer.describe("v-mobilenet").status() == ModelStatus.RUNNING);
            for (var e : fresh.entrySet()) {
                for (String key : e.getValue()) {
                    assertThat(trainer.classify("v-mobilenet", new ImageRef(BUCKET, key)).label()).as(key)
                            .isEqualTo(e.getKey());
                }
            }
            Classification there = other.classify("v-mobilenet",
                    new ImageRef(BUCKET, fresh.get(TrainingImages.CHECKERS).get(0)));
            assertThat(there.label()).isEqualTo(TrainingImages.CHECKERS);
            trainer.stop("v-mobilenet");
        }
    }

    static ModelVersion awaitTrained(BuiltinModelBackend backend, String version) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                .until(() -> backend.describe(version).status().trainingDone());
        return backend.describe(version);
    }

    static void put(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }

    static byte[] get(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
    }
}
