package io.modelloop.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.modelloop.model.builtin.BackboneFiles;
import io.modelloop.model.builtin.BackboneOptions;
import io.modelloop.model.builtin.BuiltinModelBackend;
import io.modelloop.model.builtin.BuiltinModelSettings;
import io.modelloop.model.builtin.TinyOnnx;
import io.modelloop.storage.LocalS3Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;


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
            for (int i = 0; i < 12; i++) {
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
            int right = 0;
            int all = 0;
            for (var e : fresh.entrySet()) {
                for (String key : e.getValue()) {
                    Classification here = trainer.classify("v-mobilenet", new ImageRef(BUCKET, key));
                    right += here.label().equals(e.getKey()) ? 1 : 0;
                    all++;
                    // another pod loads the same file and head from the bucket: the same answer
                    Classification there = other.classify("v-mobilenet", new ImageRef(BUCKET, key));
                    assertThat(there.label()).as(key).isEqualTo(here.label());
                    assertThat(there.confidence()).as(key).isCloseTo(here.confidence(), within(1e-3));
                }
            }
            // a 5-class content classifier's features on 12 images per label: most, not all, fresh images right
            assertThat(right).as("fresh images labelled right").isGreaterThanOrEqualTo(all - 2);
            trainer.stop("v-mobilenet");
        }
    }

    /** Serves one file at /models/tiny.onnx and counts the requests. */
    static final class FileServer implements AutoCloseable {
        final HttpServer server;
        final AtomicInteger requests = new AtomicInteger();

        FileServer(byte[] body) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/models/", exchange -> {
                requests.incrementAndGet();
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
        }

        String url(String file) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/models/" + file;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aUrlBackboneIsDownloadedOnceCheckedAndServedFromTheBucketByEveryPod(@TempDir Path dir) throws Exception {
        byte[] tiny = Files.readAllBytes(TinyOnnx.writePooled(dir.resolve("tiny.onnx"), 24));
        String sha = sha256(tiny);
        String url;
        try (FileServer http = new FileServer(tiny)) {
            url = http.url("tiny.onnx");
            BuiltinModelSettings settings = settings(url).withBackboneOptions(new BackboneOptions(sha, null, true));
            try (BuiltinModelBackend trainer = new BuiltinModelBackend(s3, BUCKET, settings.withDataDir(dir.resolve("pod1")))) {
                trainer.createVersion(new TrainingRequest("v-url", BUCKET, manifestKey, "evaluation/", 0));
                ModelVersion v = awaitTrained(trainer, "v-url");
                assertThat(v.status()).as(v.statusMessage()).isEqualTo(ModelStatus.TRAINING_COMPLETED);
                assertThat(v.backboneFallback()).isNull();
            }
            assertThat(http.requests.get()).isEqualTo(1);
            assertThat(get(BackboneFiles.PREFIX + sha + ".onnx")).isEqualTo(tiny);
            JsonNode model = JSON.readTree(get("models/v-url/model.json"));
            assertThat(model.path("architecture").path("backbone").asText()).isEqualTo(url);
            assertThat(model.path("architecture").path("backboneSha256").asText()).isEqualTo(sha);
            assertThat(model.path("normalisation").path("mean").get(0).asDouble()).as("no declared scaling: ImageNet's")
                    .isEqualTo(0.485);
        }
        // the URL is gone: another pod (no local copy) trains and serves from the bucket's copy
        BuiltinModelSettings settings = settings(url).withBackboneOptions(new BackboneOptions(sha, null, false));
        try (BuiltinModelBackend other = new BuiltinModelBackend(s3, BUCKET, settings.withDataDir(dir.resolve("pod2")))) {
            other.createVersion(new TrainingRequest("v-url-2", BUCKET, manifestKey, "evaluation/", 0));
            ModelVersion v2 = awaitTrained(other, "v-url-2");
            assertThat(v2.status()).as(v2.statusMessage()).isEqualTo(ModelStatus.TRAINING_COMPLETED);
        }
        try (BuiltinModelBackend third = new BuiltinModelBackend(s3, BUCKET, settings.withDataDir(dir.resolve("pod3")))) {
            third.start("v-url", 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> third.describe("v-url").status() == ModelStatus.RUNNING);
            String key = fresh.get(TrainingImages.CIRCLE).get(0);
            assertThat(third.classify("v-url", new ImageRef(BUCKET, key)).label()).isEqualTo(TrainingImages.CIRCLE);
            third.stop("v-url");
        }
    }

    @Test
    void aDownloadWhoseChecksumDiffersFailsTheTrainingNamingBoth(@TempDir Path dir) throws Exception {
        byte[] tiny = Files.readAllBytes(TinyOnnx.writePooled(dir.resolve("tiny.onnx"), 24));
        String expected = sha256("some other file".getBytes(StandardCharsets.UTF_8));
        try (FileServer http = new FileServer(tiny);
             BuiltinModelBackend pod = new BuiltinModelBackend(s3, BUCKET, settings(http.url("tiny.onnx"))
                     .withBackboneOptions(new BackboneOptions(expected, null, true)).withDataDir(dir))) {
            pod.createVersion(new TrainingRequest("v-sha", BUCKET, manifestKey, "evaluation/", 0));
            ModelVersion v = awaitTrained(pod, "v-sha");
            assertThat(v.status()).isEqualTo(ModelStatus.TRAINING_FAILED);
            assertThat(v.statusMessage()).contains(http.url("tiny.onnx")).contains(expected).contains(sha256(tiny));
            assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET).prefix(BackboneFiles.PREFIX + expected)).contents())
                    .as("nothing cached under the expected checksum").isEmpty();
        }
    }

    @Test
    void anUnreachableBackboneUrlTrainsTheCnnInsteadAndSaysSo(@TempDir Path dir) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/models/mobilenet.onnx";
        String sha = sha256(new byte[] {1});
        try (BuiltinModelBackend pod = new BuiltinModelBackend(s3, BUCKET, settings(url)
                .withBackboneOptions(new BackboneOptions(sha, null, true)).withDataDir(dir))) {
            pod.createVersion(new TrainingRequest("v-offline", BUCKET, manifestKey, "evaluation/", 0));
            ModelVersion v = awaitTrained(pod, "v-offline");
            assertThat(v.status()).as(v.statusMessage()).isEqualTo(ModelStatus.TRAINING_COMPLETED);
            assertThat(v.backboneFallback()).contains(url).contains("could not be downloaded")
                    .contains("trained from scratch instead");
            assertThat(v.statusMessage()).startsWith(v.backboneFallback());
            assertThat(pod.listVersions()).filteredOn(m -> m.name().equals("v-offline"))
                    .extracting(ModelVersion::backboneFallback).containsExactly(v.backboneFallback());
            JsonNode model = JSON.readTree(get("models/v-offline/model.json"));
            assertThat(model.path("architecture").path("type").asText()).isEqualTo("cnn");
        }
        // with fallback=fail the same outage fails the training instead
        try (BuiltinModelBackend strict = new BuiltinModelBackend(s3, BUCKET, settings(url)
                .withBackboneOptions(new BackboneOptions(sha, null, false)).withDataDir(dir))) {
            strict.createVersion(new TrainingRequest("v-offline-strict", BUCKET, manifestKey, "evaluation/", 0));
            ModelVersion v = awaitTrained(strict, "v-offline-strict");
            assertThat(v.status()).isEqualTo(ModelStatus.TRAINING_FAILED);
            assertThat(v.statusMessage()).contains(url).contains("could not be downloaded");
        }
    }

    @Test
    void unusableBackboneFilesFailTheTrainingByNameAndTheServingVersionServesOn(@TempDir Path dir) throws Exception {
        Path good = TinyOnnx.writePooled(dir.resolve("good.onnx"), 24);
        try (BuiltinModelBackend serving = new BuiltinModelBackend(s3, BUCKET, settings(good.toString()))) {
            serving.createVersion(new TrainingRequest("v-serving", BUCKET, manifestKey, "evaluation/", 0));
            assertThat(awaitTrained(serving, "v-serving").status()).isEqualTo(ModelStatus.TRAINING_COMPLETED);
            serving.start("v-serving", 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> serving.describe("v-serving").status() == ModelStatus.RUNNING);

            Path missing = dir.resolve("missing.onnx");
            Path corrupt = Files.write(dir.resolve("corrupt.onnx"), Arrays.copyOf(Files.readAllBytes(good), 40));
            Path notOnnx = Files.write(dir.resolve("picture.onnx"),
                    TrainingImages.encode(TrainingImages.draw(TrainingImages.CIRCLE, new Random(1)), "png"));
            Path notTorchScript = Files.write(dir.resolve("notes.pt"), "not a model".getBytes(StandardCharsets.UTF_8));
            Path grey = TinyOnnx.write(dir.resolve("grey-28px.onnx"), false, 0, 1, 28, 28);
            Path tooSmall = TinyOnnx.write(dir.resolve("rgb-8px.onnx"), false, 0, 3, 8, 8);
            Map<Path, String> cases = new LinkedHashMap<>();
            cases.put(missing, "does not exist");
            cases.put(corrupt, "not a readable ONNX model");
            cases.put(notOnnx, "not a readable ONNX model");
            cases.put(notTorchScript, "could not be loaded");
            cases.put(grey, "not an RGB image batch");
            cases.put(tooSmall, "8 px images");
            int n = 0;
            for (var c : cases.entrySet()) {
                String version = "v-bad-" + n++;
                try (BuiltinModelBackend pod = new BuiltinModelBackend(s3, BUCKET, settings(c.getKey().toString()))) {
                    pod.createVersion(new TrainingRequest(version, BUCKET, manifestKey, "evaluation/", 0));
                    ModelVersion v = awaitTrained(pod, version);
                    assertThat(v.status()).as(c.getKey().toString()).isEqualTo(ModelStatus.TRAINING_FAILED);
                    assertThat(v.statusMessage()).contains(c.getKey().getFileName().toString()).contains(c.getValue());
                    // a pod configured with the bad backbone still serves the version trained with the good one
                    String key = fresh.get(TrainingImages.STRIPES).get(1);
                    assertThat(pod.classify("v-serving", new ImageRef(BUCKET, key)).label()).isEqualTo(TrainingImages.STRIPES);
                }
                assertThat(serving.describe("v-serving").status()).isEqualTo(ModelStatus.RUNNING);
            }
            serving.stop("v-serving");
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
