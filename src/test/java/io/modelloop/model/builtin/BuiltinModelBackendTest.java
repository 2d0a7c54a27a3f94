package io.modelloop.model.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.model.Classification;
import io.modelloop.model.GroundTruthManifest;
import io.modelloop.model.ImageRef;
import io.modelloop.model.InvalidImageException;
import io.modelloop.model.ModelStatus;
import io.modelloop.model.ModelVersion;
import io.modelloop.model.ModelVersionNotFoundException;
import io.modelloop.model.NoRunningModelException;
import io.modelloop.model.Prediction;
import io.modelloop.model.TrainingImages;
import io.modelloop.model.TrainingRequest;
import io.modelloop.storage.LocalS3Server;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;


/**
 * The built-in model end to end: real DJL training on generated pictures stored in an in-process
 * S3 store, evaluation on held-out images, serving from one pod and another, and the ways a
 * training or a classification is refused.
 */
class BuiltinModelBackendTest {

    static final String BUCKET = "bucket";
    static final List<String> CLASSES = List.of(TrainingImages.CIRCLE, TrainingImages.STRIPES, TrainingImages.CHECKERS);
    static final int PER_CLASS = 12;
    static final String CORRUPT_KEY = "images_labeled_by_folder/red-circle/broken.png";
    static final String TEXT_KEY = "images_labeled_by_folder/blue-stripes/notes.jpg";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path storeDir;
    @TempDir
    static Path dataDir;

    static LocalS3Server server;
    static S3Client s3;
    static BuiltinModelBackend pod;
    static String manifestKey;
    /** Fresh images of each class, never in any manifest. */
    static Map<String, List<String>> fresh = new java.util.TreeMap<>();
    static final String V1 = "v1";

    static BuiltinModelSettings settings() {
        return BuiltinModelSettings.defaults(dataDir)
                .withImageSize(24).withEpochs(12).withBatchSize(8).withLearningRate(0.003).withTestFraction(0.25)
                .withStatusCacheTtl(Duration.ofMillis(200));
    }

    @BeforeAll
    static void setUp() throws Exception {
        server = new LocalS3Server(storeDir, 0).start(BUCKET);
        s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create()).build();
        Random r = new Random(7);
        List<GroundTruthManifest.Entry> entries = new ArrayList<>();
        for (String c : CLASSES) {
            for (int i = 0; i < PER_CLASS; i++) {
                String format = i % 2 == 0 ? "png" : "jpg";
                String key = "images_labeled_by_folder/" + c + "/" + c + " " + i + "." + format;
                put(key, TrainingImages.encode(TrainingImages.draw(c, r), format));
                entries.add(new GroundTruthManifest.Entry(BUCKET, key, c));
            }
            for (int i = 0; i < 3; i++) {
                String key = "images_for_detection/fresh-" + c + "-" + i + (i == 1 ? ".jpg" : ".png");
                put(key, TrainingImages.encode(TrainingImages.draw(c, r), i == 1 ? "jpg" : "png"));
                fresh.computeIfAbsent(c, k -> new ArrayList<>()).add(key);
            }
        }
        byte[] png = TrainingImages.encode(TrainingImages.draw(TrainingImages.CIRCLE, r), "png");
        put(CORRUPT_KEY, Arrays.copyOf(png, png.length / 2));
        entries.add(new GroundTruthManifest.Entry(BUCKET, CORRUPT_KEY, TrainingImages.CIRCLE));
        put(TEXT_KEY, "these are my notes, not a picture".getBytes(StandardCharsets.UTF_8));
        entries.add(new GroundTruthManifest.Entry(BUCKET, TEXT_KEY, TrainingImages.STRIPES));
        manifestKey = manifest("main", entries);

        pod = new BuiltinModelBackend(s3, BUCKET, settings());
        ModelVersion created = pod.createVersion(new TrainingRequest(V1, BUCKET, manifestKey, "evaluation/", entries.size()));
        assertThat(created.status()).isEqualTo(ModelStatus.TRAINING_IN_PROGRESS);
        awaitTrained(pod, V1);
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
    void f1IsMeasuredOnHeldOutImagesPerLabel() throws Exception {
        ModelVersion v = pod.describe(V1);
        // other tests may have started it meanwhile
        assertThat(v.status()).as(v.statusMessage()).isIn(ModelStatus.TRAINING_COMPLETED, ModelStatus.STARTING,
                ModelStatus.RUNNING);
        int readable = CLASSES.size() * PER_CLASS;
        assertThat(v.testImages()).isGreaterThan(0);
        assertThat(v.trainingImages() + v.testImages()).isEqualTo(readable);
        // 25% of 12 per label held out
        assertThat(v.testImages()).isEqualTo(CLASSES.size() * 3);
        assertThat(v.perLabel()).containsOnlyKeys(CLASSES);
        v.perLabel().values().forEach(m -> assertThat(m.support()).isEqualTo(3));
        double macro = v.perLabel().values().stream().mapToDouble(ModelVersion.LabelMetrics::f1).average().orElseThrow();
        assertThat(v.f1()).isCloseTo(macro, within(1e-9)).isGreaterThanOrEqualTo(0.8);
        // confusion rows: every held-out image once
        assertThat(v.confusion()).containsOnlyKeys(CLASSES);
        v.confusion().forEach((label, row) ->
                assertThat(row.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(3));
        assertThat(v.progress().epoch()).isEqualTo(settings().epochs());
        assertThat(v.progress().epochs()).isEqualTo(settings().epochs());
        JsonNode model = JSON.readTree(get("models/v1/model.json"));
        assertThat(model.path("trainingSummary").asText()).contains("tested on 9 held-out images: macro F1");
        assertThat(model.path("status").asText()).isIn("TRAINING_COMPLETED", "STARTING", "RUNNING", "STOPPING", "STOPPED");
        assertThat(model.path("labels")).hasSize(3);
        assertThat(model.path("imageSize").asInt()).isEqualTo(24);
        assertThat(model.path("architecture").path("type").asText()).isEqualTo("cnn");
        assertThat(model.path("temperature").asDouble()).isPositive();
        assertThat(model.path("calibration").path("nllAfter").asDouble())
                .isLessThanOrEqualTo(model.path("calibration").path("nllBefore").asDouble() + 1e-9);
        assertThat(model.path("f1").asDouble()).isEqualTo(v.f1());
        assertThat(model.path("trainingSeconds").asDouble()).isPositive();
        assertThat(get("models/v1/parameters.bin")).isNotEmpty();
        assertThat(JSON.readTree(get("evaluation/v1/evaluation.json")).path("f1").asDouble()).isEqualTo(v.f1());
    }

    @Test
    void unreadableImagesAreSkippedWithTheReason() throws Exception {
        ModelVersion v = pod.describe(V1);
        assertThat(v.skippedImages()).hasSize(2);
        assertThat(v.skippedImages()).anySatisfy(s -> assertThat(s).startsWith(CORRUPT_KEY + ": ").contains("PNG"));
        assertThat(v.skippedImages()).anySatisfy(s -> assertThat(s).startsWith(TEXT_KEY + ": ")
                .contains("not a PNG or JPEG"));
        assertThat(JSON.readTree(get("models/v1/model.json")).path("trainingSummary").asText())
                .contains("2 images skipped");
    }

    @Test
    void aRunningVersionClassifiesImagesItNeverSaw() {
        ensureRunning(V1);
        for (var e : fresh.entrySet()) {
            for (String key : e.getValue()) {
                Classification c = pod.classify(V1, new ImageRef(BUCKET, key));
                assertThat(c.label()).as(key).isEqualTo(e.getKey());
                assertThat(c.labels()).hasSize(3);
                assertThat(c.labels().get(0).label()).isEqualTo(c.label());
                assertThat(c.confidence()).isEqualTo(c.labels().get(0).confidence());
                assertThat(c.labels()).allSatisfy(s -> assertThat(s.confidence()).isBetween(0.0, 100.0));
                // the confidence is the lower of its two parts
                assertThat(c.parts()).isNotNull();
                assertThat(c.parts().familiarity()).isNotNull();
                assertThat(c.confidence()).isCloseTo(Math.min(c.parts().classProbability(), c.parts().familiarity()),
                        within(1e-9));
            }
        }
    }

    @Test
    void anImageUnlikeAnythingTrainedOnGetsALowConfidenceBecauseItIsUnfamiliar() {
        ensureRunning(V1);
        Random r = new Random(99);
        BufferedImage noise = new BufferedImage(24, 24, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 24; x++) {
                noise.setRGB(x, y, r.nextInt(0x1000000));
            }
        }
        // a dark, smooth colour gradient: no shape, no pattern, no light backdrop
        BufferedImage gradient = new BufferedImage(60, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 60; x++) {
                gradient.setRGB(x, y, (x * 2) << 16 | (y * 3) << 8 | 40);
            }
        }
        double leastFamiliarKnown = Double.MAX_VALUE;
        for (var e : fresh.entrySet()) {
            for (String key : e.getValue()) {
                leastFamiliarKnown = Math.min(leastFamiliarKnown,
                        pod.classify(V1, new ImageRef(BUCKET, key)).parts().familiarity());
            }
        }
        for (BufferedImage unlike : List.of(noise, gradient)) {
            String key = "images_for_detection/unlike-" + unlike.getWidth() + ".png";
            put(key, TrainingImages.encode(unlike, "png"));
            Classification c = pod.classify(V1, new ImageRef(BUCKET, key));
            assertThat(c.parts().familiarity()).as(key).isLessThan(70).isLessThan(leastFamiliarKnown);
            assertThat(c.confidence()).as(key).isLessThan(70);
            assertThat(c.reason()).as(key).isEqualTo(Classification.Reason.UNFAMILIAR);
            // scoring a version (replay, the challenger gate) skips familiarity: the same label all the same
            Prediction predicted = pod.predict(V1, new ImageRef(BUCKET, key));
            assertThat(predicted.label()).as(key).isEqualTo(c.label());
            assertThat(predicted.knownLabels()).as(key).containsExactlyInAnyOrderElementsOf(
                    c.labels().stream().map(Classification.LabelScore::label).toList());
        }
        List<ImageRef> all = new ArrayList<>();
        for (var e : fresh.entrySet()) {
            for (String key : e.getValue()) {
                assertThat(pod.predict(V1, new ImageRef(BUCKET, key)).label()).as(key)
                        .isEqualTo(pod.classify(V1, new ImageRef(BUCKET, key)).label());
                all.add(new ImageRef(BUCKET, key));
            }
        }
        // in batches the network gives every image the label it gives it alone; an unreadable image
        // (not an image, or gone) is null in its place and does not stop the others
        put("images_for_detection/not-an-image.png", "<html>no</html>".getBytes(StandardCharsets.UTF_8));
        all.add(1, new ImageRef(BUCKET, "images_for_detection/not-an-image.png"));
        all.add(new ImageRef(BUCKET, "images_for_detection/gone.png"));
        List<Prediction> batch = pod.predictAll(V1, all);
        assertThat(batch).hasSize(all.size());
        for (int i = 0; i < all.size(); i++) {
            String key = all.get(i).key();
            if (key.endsWith("not-an-image.png") || key.endsWith("gone.png")) {
                assertThat(batch.get(i)).as(key).isNull();
            } else {
                assertThat(batch.get(i).label()).as(key).isEqualTo(pod.predict(V1, all.get(i)).label());
            }
        }
    }

    @Test
    void theVersionRecordsItsConfidenceCalibration() {
        ModelVersion v = pod.describe(V1);
        assertThat(v.calibration()).isNotNull();
        assertThat(v.calibration().images()).isEqualTo(v.testImages());
        assertThat(v.calibration().heldOutBelow70()).isBetween(0.0, 1.0);
        assertThat(v.calibration().expectedCalibrationError()).isBetween(0.0, 1.0);
        assertThat(v.calibration().method()).contains("familiarity");
    }

    @Test
    void concurrentClassificationsGiveTheSameAnswersAsOneAtATime() throws Exception {
        ensureRunning(V1);
        List<String> keys = fresh.values().stream().flatMap(List::stream).toList();
        Map<String, Classification> sequential = new java.util.HashMap<>();
        for (String key : keys) {
            sequential.put(key, pod.classify(V1, new ImageRef(BUCKET, key)));
        }
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                for (String key : keys) {
                    results.add(threads.submit(() -> {
                        Classification c = pod.classify(V1, new ImageRef(BUCKET, key));
                        return c.label().equals(sequential.get(key).label())
                                && Math.abs(c.confidence() - sequential.get(key).confidence()) < 1e-3;
                    }));
                }
            }
            for (var f : results) {
                assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aTrainingWhosePodStoppedReportingIsReportedFailed() {
        java.util.function.Function<Instant, byte[]> record = beat -> ("{\"name\":\"v-orphan\","
                + "\"status\":\"TRAINING_IN_PROGRESS\",\"statusMessage\":\"Training\","
                + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"owner\":\"pod-7/abc\",\"heartbeatAt\":\"" + beat + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        // the default: reported failed after 10 minutes without a heartbeat
        put("models/v-orphan/model.json", record.apply(Instant.now().minus(Duration.ofMinutes(20))));
        ModelVersion v = pod.describe("v-orphan");
        assertThat(v.status()).isEqualTo(ModelStatus.TRAINING_FAILED);
        assertThat(v.statusMessage()).contains("pod-7/abc").contains("stopped reporting");
        assertThat(pod.cancelTraining("v-orphan")).isFalse();

        put("models/v-orphan/model.json", record.apply(Instant.now().minus(Duration.ofMinutes(2))));
        assertThat(pod.describe("v-orphan").status()).isEqualTo(ModelStatus.TRAINING_IN_PROGRESS);
    }

    @Test
    void aTrainingWhoseProcessDiedThreeTimesIsFailedNotRestartedAgain() {
        // on this host, in a process that no longer exists, already started three times
        String json = "{\"name\":\"v-thrice\",\"status\":\"TRAINING_IN_PROGRESS\",\"statusMessage\":\"Training\","
                + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"owner\":\"gone\",\"heartbeatAt\":\"" + Instant.now() + "\","
                + "\"ownerHost\":\"" + BuiltinModelBackend.hostName() + "\",\"ownerPid\":" + Long.MAX_VALUE + ",\"trainingAttempts\":3,"
                + "\"manifest\":\"s3://" + BUCKET + "/" + manifestKey + "\",\"requestedImageCount\":10}";
        put("models/v-thrice/model.json", json.getBytes(StandardCharsets.UTF_8));
        ModelVersion v = pod.describe("v-thrice");
        assertThat(v.status()).isEqualTo(ModelStatus.TRAINING_FAILED);
        assertThat(v.statusMessage()).contains("started 3 time(s)");
    }

    @Test
    void contentThatIsNotAnImageIsRefused() {
        ensureRunning(V1);
        assertThatThrownBy(() -> pod.classify(V1, new ImageRef(BUCKET, TEXT_KEY)))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("not a PNG or JPEG");
        assertThatThrownBy(() -> pod.classify(V1, new ImageRef(BUCKET, CORRUPT_KEY)))
                .isInstanceOf(InvalidImageException.class);
        assertThatThrownBy(() -> pod.classify(V1, new ImageRef(BUCKET, "images_for_detection/missing.png")))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("no object");
    }

    @Test
    void imagesOverTheLimitsAreRefused() {
        ensureRunning(V1);
        String key = fresh.get(TrainingImages.CIRCLE).get(0);
        try (BuiltinModelBackend strict = new BuiltinModelBackend(s3, BUCKET,
                settings().withImageLimits(10_000_000, 40 * 40))) {
            assertThatThrownBy(() -> strict.classify(V1, new ImageRef(BUCKET, key)))
                    .isInstanceOf(InvalidImageException.class).hasMessageContaining("pixels");
        }
        try (BuiltinModelBackend strict = new BuiltinModelBackend(s3, BUCKET, settings().withImageLimits(500, 1 << 24))) {
            assertThatThrownBy(() -> strict.classify(V1, new ImageRef(BUCKET, key)))
                    .isInstanceOf(InvalidImageException.class).hasMessageContaining("bytes");
        }
    }

    @Test
    void aVersionTrainedBeforeFamiliarityExistedServesItsClassProbability() throws Exception {
        ensureRunning(V1);
        // model.json as versions trained before familiarity wrote it: no index, no scale, no input
        com.fasterxml.jackson.databind.node.ObjectNode old =
                (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(get("models/" + V1 + "/model.json"));
        old.remove(List.of("familiarity", "confidenceCalibration", "input"));
        old.put("name", "v-before-familiarity");
        old.put("status", "RUNNING");
        put("models/v-before-familiarity/model.json", JSON.writeValueAsBytes(old));
        String key = fresh.get(TrainingImages.CIRCLE).get(0);
        try (BuiltinModelBackend other = new BuiltinModelBackend(s3, BUCKET, settings())) {
            Classification c = other.classify("v-before-familiarity", new ImageRef(BUCKET, key));
            Classification now = pod.classify(V1, new ImageRef(BUCKET, key));
            assertThat(c.label()).isEqualTo(now.label());
            assertThat(c.parts().familiarity()).isNull();
            assertThat(c.confidence()).isEqualTo(c.parts().classProbability())
                    .isCloseTo(now.parts().classProbability(), within(1e-3));
            assertThat(other.describe("v-before-familiarity").calibration()).isNull();
        }
    }

    @Test
    void aSecondPodSeesTheVersionAndServesIt() {
        ensureRunning(V1);
        String key = fresh.get(TrainingImages.STRIPES).get(2);
        Classification here = pod.classify(V1, new ImageRef(BUCKET, key));
        try (BuiltinModelBackend other = new BuiltinModelBackend(s3, BUCKET, settings())) {
            assertThat(other.listVersions()).extracting(ModelVersion::id).contains(V1);
            ModelVersion seen = other.describe(V1);
            assertThat(seen.status()).isEqualTo(ModelStatus.RUNNING);
            assertThat(seen.f1()).isEqualTo(pod.describe(V1).f1());
            assertThat(seen.perLabel()).isEqualTo(pod.describe(V1).perLabel());
            assertThat(other.loadedVersions()).isEmpty();
            Classification there = other.classify(V1, new ImageRef(BUCKET, key));
            assertThat(other.loadedVersions()).containsExactly(V1);
            assertThat(there.label()).isEqualTo(here.label()).isEqualTo(TrainingImages.STRIPES);
            assertThat(there.confidence()).isCloseTo(here.confidence(), within(1e-3));
        }
    }

    @Test
    void aVersionStoppedByAnotherPodStopsServingHere() {
        String name = "v-stop";
        pod.createVersion(new TrainingRequest(name, BUCKET, manifestKey, "evaluation/", 0));
        awaitTrained(pod, name);
        pod.start(name, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> pod.describe(name).status() == ModelStatus.RUNNING);
        ImageRef image = new ImageRef(BUCKET, fresh.get(TrainingImages.CHECKERS).get(0));
        assertThat(pod.classify(name, image).label()).isEqualTo(TrainingImages.CHECKERS);
        assertThat(pod.loadedVersions()).contains(name);
        try (BuiltinModelBackend other = new BuiltinModelBackend(s3, BUCKET, settings())) {
            other.stop(name);
            await().atMost(Duration.ofSeconds(10)).until(() -> other.describe(name).status() == ModelStatus.STOPPED);
        }
        assertThat(pod.describe(name).status()).isEqualTo(ModelStatus.STOPPED);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThatThrownBy(() -> pod.classify(name, image))
                        .isInstanceOf(NoRunningModelException.class).hasMessageContaining("STOPPED"));
        assertThat(pod.loadedVersions()).doesNotContain(name);
    }

    @Test
    void aVersionStartedByAnotherPodServesHereAsSoonAsTheBucketSaysRunning() {
        String name = "v-started-elsewhere";
        pod.createVersion(new TrainingRequest(name, BUCKET, manifestKey, "evaluation/", 0));
        awaitTrained(pod, name);
        ImageRef image = new ImageRef(BUCKET, fresh.get(TrainingImages.STRIPES).get(0));
        // this pod trusts what it read for an hour: only a RUNNING status may be trusted that long
        try (BuiltinModelBackend here = new BuiltinModelBackend(s3, BUCKET, settings().withStatusCacheTtl(Duration.ofHours(1)))) {
            assertThatThrownBy(() -> here.classify(name, image))
                    .isInstanceOf(NoRunningModelException.class).hasMessageContaining("TRAINING_COMPLETED");
            pod.start(name, 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> pod.describe(name).status() == ModelStatus.RUNNING);
            assertThat(here.classify(name, image).label()).isEqualTo(TrainingImages.STRIPES);
        } finally {
            pod.stop(name);
        }
    }

    @Test
    void listenersAreToldWhenATrainingOrAStartEndsAndDescribeAlreadySaysSo() {
        String name = "v-told";
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (BuiltinModelBackend here = new BuiltinModelBackend(s3, BUCKET, settings())) {
            // what the listener is told, and what describe says at that moment (the pipeline asks it next)
            here.addVersionListener(v -> told.add(v.id() + " " + v.status() + ", describe: " + here.describe(v.id()).status()));
            here.createVersion(new TrainingRequest(name, BUCKET, manifestKey, "evaluation/", 0));
            await().atMost(Duration.ofMinutes(2)).until(() -> !told.isEmpty());
            assertThat(told).containsExactly(name + " TRAINING_COMPLETED, describe: TRAINING_COMPLETED");

            here.start(name, 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> told.size() == 2);
            assertThat(told.get(1)).isEqualTo(name + " RUNNING, describe: RUNNING");

            here.stop(name);
            await().atMost(Duration.ofSeconds(10)).until(() -> here.describe(name).status() == ModelStatus.STOPPED);
            assertThat(told).as("stopping is not waited for: nobody is told").hasSize(2);
        }
    }

    @Test
    void aVersionThatIsNotRunningDoesNotClassify() {
        ImageRef image = new ImageRef(BUCKET, fresh.get(TrainingImages.CIRCLE).get(0));
        assertThatThrownBy(() -> pod.classify("no-such-version", image)).isInstanceOf(NoRunningModelException.class);
        String name = "v-idle";
        pod.createVersion(new TrainingRequest(name, BUCKET, manifestKey, "evaluation/", 0));
        assertThatThrownBy(() -> pod.classify(name, image))
                .isInstanceOf(NoRunningModelException.class).hasMessageContaining("TRAINING_IN_PROGRESS");
        awaitTrained(pod, name);
        assertThatThrownBy(() -> pod.classify(name, image))
                .isInstanceOf(NoRunningModelException.class).hasMessageContaining("TRAINING_COMPLETED");
    }

    @Test
    void aSingleLabelIsRefused() throws Exception {
        List<GroundTruthManifest.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            entries.add(new GroundTruthManifest.Entry(BUCKET,
                    "images_labeled_by_folder/red-circle/red-circle " + i + ".png", TrainingImages.CIRCLE));
        }
        String key = manifest("single", entries);
        pod.createVersion(new TrainingRequest("v-single", BUCKET, key, "evaluation/", 5));
        ModelVersion v = awaitTrained(pod, "v-single");
        assertThat(v.status()).isEqualTo(ModelStatus.TRAINING_FAILED);
        assertThat(v.statusMessage()).contains("at least two labels").contains("red-circle");
        assertThat(v.f1()).isNull();
        assertThat(JSON.readTree(get("models/v-single/model.json")).path("status").asText()).isEqualTo("TRAINING_FAILED");
    }

    @Test
    void aLabelWithOneImageIsTrainedOnButNotTested() throws Exception {
        List<GroundTruthManifest.Entry> entries = new ArrayList<>(GroundTruthManifest.parse(
                new String(get(manifestKey), StandardCharsets.UTF_8)));
        String lonely = "images_labeled_by_folder/lonely/only.png";
        put(lonely, TrainingImages.encode(TrainingImages.draw(TrainingImages.CHECKERS, new Random(3)), "png"));
        entries.add(new GroundTruthManifest.Entry(BUCKET, lonely, "lonely"));
        String key = manifest("lonely", entries);
        pod.createVersion(new TrainingRequest("v-lonely", BUCKET, key, "evaluation/", entries.size()));
        ModelVersion v = awaitTrained(pod, "v-lonely");
        assertThat(v.status()).as(v.statusMessage()).isEqualTo(ModelStatus.TRAINING_COMPLETED);
        assertThat(v.statusMessage()).contains("'lonely'").contains("single image");
        assertThat(v.perLabel()).containsKey("lonely");
        assertThat(v.perLabel().get("lonely").support()).isZero();
        assertThat(v.trainingImages() + v.testImages()).isEqualTo(CLASSES.size() * PER_CLASS + 1);
        assertThat(v.testImages()).isEqualTo(CLASSES.size() * 3);
        double macro = CLASSES.stream().mapToDouble(c -> v.perLabel().get(c).f1()).average().orElseThrow();
        assertThat(v.f1()).isCloseTo(macro, within(1e-9));
        assertThat(JSON.readTree(get("models/v-lonely/model.json")).path("labels")).hasSize(4);
    }

    @Test
    void aTrainingCanBeCancelledHereOrFromAnotherPod() {
        BuiltinModelSettings endless = settings().withEpochs(100_000);
        try (BuiltinModelBackend trainer = new BuiltinModelBackend(s3, BUCKET, endless);
             BuiltinModelBackend other = new BuiltinModelBackend(s3, BUCKET, endless)) {
            trainer.createVersion(new TrainingRequest("v-cancel", BUCKET, manifestKey, "evaluation/", 0));
            await().atMost(Duration.ofSeconds(30)).until(() -> progressed(trainer, "v-cancel"));
            assertThat(trainer.cancelTraining("v-cancel")).isTrue();
            ModelVersion v = awaitTrained(trainer, "v-cancel", Duration.ofSeconds(10));
            assertThat(v.status()).isEqualTo(ModelStatus.TRAINING_FAILED);
            assertThat(v.statusMessage()).containsIgnoringCase("cancelled");
            assertThat(v.progress().epoch()).isLessThan(100_000);

            trainer.createVersion(new TrainingRequest("v-cancel-remote", BUCKET, manifestKey, "evaluation/", 0));
            await().atMost(Duration.ofSeconds(30)).until(() -> progressed(trainer, "v-cancel-remote"));
            assertThat(other.describe("v-cancel-remote").status()).isEqualTo(ModelStatus.TRAINING_IN_PROGRESS);
            assertThat(other.cancelTraining("v-cancel-remote")).isTrue();
            ModelVersion remote = awaitTrained(trainer, "v-cancel-remote", Duration.ofSeconds(15));
            assertThat(remote.status()).isEqualTo(ModelStatus.TRAINING_FAILED);
            assertThat(remote.statusMessage()).containsIgnoringCase("cancelled");
            assertThat(other.describe("v-cancel-remote").status()).isEqualTo(ModelStatus.TRAINING_FAILED);
            assertThat(other.cancelTraining("v-cancel-remote")).isFalse();
        }
    }

    @Test
    void aBackboneGetsALinearHeadTrainedOnItsFeatures(@TempDir Path dir) throws Exception {
        Path backbone = TinyTorchScript.write(dir.resolve("pool-features.pt"));
        BuiltinModelSettings withBackbone = settings().withBackbone(backbone.toString());
        try (BuiltinModelBackend trainer = new BuiltinModelBackend(s3, BUCKET, withBackbone);
             BuiltinModelBackend other = new BuiltinModelBackend(s3, BUCKET, withBackbone)) {
            trainer.createVersion(new TrainingRequest("v-head", BUCKET, manifestKey, "evaluation/", 0));
            ModelVersion v = awaitTrained(trainer, "v-head");
            assertThat(v.status()).as(v.statusMessage()).isEqualTo(ModelStatus.TRAINING_COMPLETED);
            assertThat(v.testImages()).isEqualTo(CLASSES.size() * 3);
            assertThat(v.f1()).isGreaterThanOrEqualTo(0.8);
            JsonNode model = JSON.readTree(get("models/v-head/model.json"));
            assertThat(model.path("architecture").path("type").asText()).isEqualTo("backbone-linear-head");
            assertThat(model.path("architecture").path("backbone").asText()).isEqualTo(backbone.toString());
            assertThat(model.path("architecture").path("featureSize").asInt()).isEqualTo(TinyTorchScript.FEATURES);

            trainer.start("v-head", 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> trainer.describe("v-head").status() == ModelStatus.RUNNING);
            for (var e : fresh.entrySet()) {
                for (String key : e.getValue()) {
                    assertThat(trainer.classify("v-head", new ImageRef(BUCKET, key)).label()).as(key).isEqualTo(e.getKey());
                }
            }
            // another pod loads the backbone and the head from the bucket's record
            Classification there = other.classify("v-head", new ImageRef(BUCKET, fresh.get(TrainingImages.STRIPES).get(0)));
            assertThat(there.label()).isEqualTo(TrainingImages.STRIPES);
            assertThat(there.parts().familiarity()).isNotNull();
            assertThat(there.confidence()).isCloseTo(Math.min(there.parts().classProbability(), there.parts().familiarity()),
                    within(1e-9));
            trainer.stop("v-head");
        }
    }

    @Test
    void aMissingBackboneFileFailsTheTrainingClearly(@TempDir Path dir) {
        Path missing = dir.resolve("resnet-features.pt");
        try (BuiltinModelBackend withBackbone = new BuiltinModelBackend(s3, BUCKET,
                settings().withBackbone(missing.toString()))) {
            withBackbone.createVersion(new TrainingRequest("v-backbone", BUCKET, manifestKey, "evaluation/", 0));
            ModelVersion v = awaitTrained(withBackbone, "v-backbone");
            assertThat(v.status()).isEqualTo(ModelStatus.TRAINING_FAILED);
            assertThat(v.statusMessage()).contains("Backbone model file").contains(missing.toString())
                    .contains("does not exist");
        }
    }

    @Test
    void versionNamesAreUniqueAndUnknownOnesAreReported() {
        // asking again for an existing name (a retry after a crash) answers that version, trains nothing new
        ModelVersion again = pod.createVersion(new TrainingRequest(V1, BUCKET, manifestKey, "evaluation/", 0));
        assertThat(again.id()).isEqualTo(V1);
        assertThat(again.status()).isNotEqualTo(ModelStatus.TRAINING_IN_PROGRESS);
        assertThatThrownBy(() -> pod.createVersion(new TrainingRequest("bad/name", BUCKET, manifestKey, "evaluation/", 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pod.describe("never-trained")).isInstanceOf(ModelVersionNotFoundException.class);
        List<ModelVersion> all = pod.listVersions();
        assertThat(all).extracting(ModelVersion::id).contains(V1);
        assertThat(all).extracting(ModelVersion::createdAt).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    // ---------------------------------------------------------------------------------------------

    static boolean progressed(BuiltinModelBackend backend, String version) {
        ModelVersion v = backend.describe(version);
        return v.progress() != null && v.progress().epoch() >= 1;
    }

    static synchronized void ensureRunning(String version) {
        if (pod.describe(version).status() != ModelStatus.RUNNING) {
            pod.start(version, 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> pod.describe(version).status() == ModelStatus.RUNNING);
        }
    }

    static ModelVersion awaitTrained(BuiltinModelBackend backend, String version) {
        return awaitTrained(backend, version, Duration.ofSeconds(90));
    }

    static ModelVersion awaitTrained(BuiltinModelBackend backend, String version, Duration limit) {
        await().atMost(limit).pollInterval(Duration.ofMillis(50))
                .until(() -> backend.describe(version).status().trainingDone());
        return backend.describe(version);
    }

    static String manifest(String name, List<GroundTruthManifest.Entry> entries) {
        String key = "manifests/" + name + ".manifest";
        put(key, GroundTruthManifest.write(entries, Instant.now()).getBytes(StandardCharsets.UTF_8));
        return key;
    }

    static void put(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }

    static byte[] get(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
    }
}
