package io.modelloop.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.ModelLoop;
import io.modelloop.model.TrainingImages;
import io.modelloop.parameters.FileParameterStore;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.RekognitionStubs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The loop in the local profile (SPEC 4.1-4.3): images dropped into images_for_detection/ are
 * detected by the polling trigger, classified by a model (Rekognition, stubbed at the protocol
 * level, so confidences are chosen by the test), sent to the built-in review service when
 * unsure, and answers copy images into the training folders.
 */
class DetectionLoopTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;
    RekognitionStubs rek;
    ModelLoop loop;
    String version;

    @BeforeEach
    void start() throws Exception {
        rek = RekognitionStubs.start("modelloop");
        rek.projectExists();
        // the model is unsure: 55 % is below the default threshold of 70
        version = rek.version("v1").completesWithF1(0.9).detects("cat", 55.0, "dog", 45.0).alreadyRunning().arn();
        new SystemStateRepository(new FileParameterStore(data.resolve("parameters.properties")), Clock.systemUTC())
                .update(s -> s.withRunningModelVersion(version));
        Map<String, String> s = new HashMap<>(rek.settings());
        s.put("modelloop.model.backend", "rekognition");
        s.put("modelloop.poll.interval-ms", "200");
        s.put("modelloop.review.results-interval-ms", "200");
        s.put("modelloop.detection.max-image-bytes", "200000");
        loop = Fixture.startLocal(data, s);
        // two current labels
        put("images_labeled_by_folder/cat/seed.png", png(TrainingImages.CIRCLE));
        put("images_labeled_by_folder/dog/seed.png", png(TrainingImages.STRIPES));
    }

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.close();
        }
        rek.close();
    }

    static byte[] png(String kind) {
        return TrainingImages.encode(TrainingImages.draw(kind, new Random(kind.hashCode())), "png");
    }

    void put(String key, byte[] body) {
        loop.s3().putObject(b -> b.bucket("bucket").key(key), RequestBody.fromBytes(body));
    }

    Detection find(String key) {
        return loop.detectionStore().query(DetectionQuery.all(100)).detections().stream()
                .filter(d -> d.key().equals(key)).findFirst().orElse(null);
    }

    Detection awaitDetection(String key) {
        await().atMost(Duration.ofSeconds(20)).until(() -> find(key) != null);
        return find(key);
    }

    HttpResponse<String> answer(String loopName, String label) {
        return Fixture.send(HttpRequest.newBuilder(URI.create(Fixture.httpBase(loop) + "/api/reviews/" + loopName + "/answer"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"label\":\"" + label + "\",\"reviewer\":\"ann\"}")).build());
    }

    List<String> keysUnder(String prefix) {
        List<String> keys = new ArrayList<>();
        for (S3Object o : loop.s3().listObjectsV2Paginator(b -> b.bucket("bucket").prefix(prefix)).contents()) {
            keys.add(o.key());
        }
        return keys;
    }

    List<String> events() throws IOException {
        List<String> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(data.resolve("notifications.jsonl")));
        for (String line : Files.readAllLines(data.resolve("notifications.jsonl"))) {
            out.add(JSON.readTree(line).path("event").asText());
        }
        return out;
    }

    @Test
    void anUnsureDetectionIsReviewedAndTheAnswerJoinsTheTrainingSet() throws Exception {
        put("images_for_detection/red cat+1.png", png(TrainingImages.CIRCLE));
        Detection d = awaitDetection("images_for_detection/red cat+1.png");
        assertThat(d.outcome()).isEqualTo(Detection.Outcome.CLASSIFIED);
        assertThat(d.label()).isEqualTo("cat");
        assertThat(d.confidence()).isEqualTo(55.0);
        assertThat(d.threshold()).isEqualTo(70.0);
        assertThat(d.modelVersion()).isEqualTo(version);
        String loopName = HumanLoopNames.forDetection(d.id(), HumanLoop.A2I_WORKFLOW);
        await().atMost(Duration.ofSeconds(10)).until(() -> loop.detectionStore().get(d.id()).orElseThrow().humanLoopName() != null);

        JsonNode reviews = JSON.readTree(Fixture.get(Fixture.httpBase(loop) + "/api/reviews").body());
        assertThat(reviews.toString()).contains(loopName);
        // the loop shows a short-lived direct link to its image
        JsonNode one = JSON.readTree(Fixture.get(Fixture.httpBase(loop) + "/api/reviews/" + loopName).body());
        String link = one.path("imageLink").asText();
        assertThat(link).contains("X-Amz-Expires=300");
        var image = Fixture.HTTP.send(HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.body()).isEqualTo(png(TrainingImages.CIRCLE));

        assertThat(answer(loopName, "dog").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> loop.detectionStore().get(d.id()).orElseThrow().reviewedAt() != null);
        Detection reviewed = loop.detectionStore().get(d.id()).orElseThrow();
        assertThat(reviewed.humanLabel()).isEqualTo("dog");
        assertThat(reviewed.copiedKey()).matches("images_labeled_by_folder/dog/humanLoopName-" + loopName
                + "-[0-9a-f-]{36}-red cat\\+1\\.png");
        assertThat(keysUnder("images_labeled_by_folder/dog/")).contains(reviewed.copiedKey());
        await().atMost(Duration.ofSeconds(5)).until(() -> events().containsAll(
                List.of("ImageClassified", "HumanLoopStarted", "HumanLoopCompleted")));
        // the loop's metrics are scraped with Camel's
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                Fixture.get(Fixture.managementBase(loop) + "/observe/metrics").body()).contains(
                "modelloop_detections_total{outcome=\"CLASSIFIED\"", "modelloop_detection_confidence_bucket",
                "modelloop_human_loops_started_total{source=\"A2I Workflow\"", "modelloop_human_loops_completed_total",
                "modelloop_upload_to_detection_seconds", "modelloop_answer_to_training_copy_seconds"));
        // answered once: a second answer is refused and copies nothing more
        assertThat(answer(loopName, "cat").statusCode()).isEqualTo(409);
        assertThat(keysUnder("images_labeled_by_folder/dog/")).hasSize(2);
    }

    @Test
    void duplicateDeliveriesGiveOneRecordAndOneLoop() throws Exception {
        put("images_for_detection/a.png", png(TrainingImages.CIRCLE));
        Detection d = awaitDetection("images_for_detection/a.png");
        var template = loop.camel().createProducerTemplate();
        ObjectVersion again = new ObjectVersion("bucket", d.key(), d.etag(), d.sequencer(), null, Instant.now());
        template.sendBody("direct:detect", again);
        template.sendBody("direct:detect", again);
        assertThat(loop.detectionStore().query(DetectionQuery.all(100)).detections()).hasSize(1);
        assertThat(rek.count("DetectCustomLabels")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> loop.detectionStore().openLoops(100).size() == 1);
    }

    @Test
    void badImagesAreRejectedWithTheReasonAndNotRetried() throws Exception {
        put("images_for_detection/notes.jpg", "this is text, not a picture".getBytes());
        Detection text = awaitDetection("images_for_detection/notes.jpg");
        assertThat(text.outcome()).isEqualTo(Detection.Outcome.REJECTED);
        assertThat(text.reason()).contains("not a PNG or JPEG");
        var template = loop.camel().createProducerTemplate();
        template.sendBody("direct:detect", new ObjectVersion("bucket", "images_for_detection/missing.png", "x", null, null, null));
        assertThat(loop.detectionStore().get(new ObjectVersion("bucket", "images_for_detection/missing.png", "x", null, null, null)
                .detectionId()).orElseThrow().reason()).contains("no longer exists");
        await().atMost(Duration.ofSeconds(5)).until(() -> events().contains("ImageRejected"));

        // a zero-byte object (triggers skip them; delivered anyway it is rejected) and an oversized one
        put("images_for_detection/empty.png", new byte[0]);
        var head = loop.s3().headObject(b -> b.bucket("bucket").key("images_for_detection/empty.png"));
        ObjectVersion empty = new ObjectVersion("bucket", "images_for_detection/empty.png", head.eTag().replace("\"", ""), null, 0L, null);
        template.sendBody("direct:detect", empty);
        assertThat(loop.detectionStore().get(empty.detectionId()).orElseThrow().reason()).contains("empty");
        byte[] big = java.util.Arrays.copyOf(png(TrainingImages.CIRCLE), 300_000);
        put("images_for_detection/huge.png", big);
        Detection huge = awaitDetection("images_for_detection/huge.png");
        assertThat(huge.outcome()).isEqualTo(Detection.Outcome.REJECTED);
        assertThat(huge.reason()).contains("300000 bytes").contains("limit is 200000");
        assertThat(rek.count("DetectCustomLabels")).as("rejected images never reach the model").isZero();
    }

    @Test
    void forbiddenLabelsAreRefusedAndNoneOfTheAboveCopiesNothing() throws Exception {
        put("images_for_detection/b.png", png(TrainingImages.CIRCLE));
        Detection d = awaitDetection("images_for_detection/b.png");
        String loopName = HumanLoopNames.forDetection(d.id(), HumanLoop.A2I_WORKFLOW);
        await().atMost(Duration.ofSeconds(10)).until(() -> !loop.detectionStore().openLoops(10).isEmpty());
        for (String bad : List.of("../evil", "a/b", "")) {
            HttpResponse<String> r = answer(loopName, bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
        }
        assertThat(answer(loopName, HumanLoop.NONE_OF_THE_ABOVE).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> loop.detectionStore().get(d.id()).orElseThrow().reviewedAt() != null);
        assertThat(loop.detectionStore().get(d.id()).orElseThrow().copiedKey()).isNull();
        assertThat(keysUnder("images_labeled_by_folder/")).noneMatch(k -> k.contains("humanLoopName-"));
    }

    @Test
    void concurrentAnswersCopyTheImageOnce() throws Exception {
        put("images_for_detection/c.png", png(TrainingImages.CIRCLE));
        Detection d = awaitDetection("images_for_detection/c.png");
        String loopName = HumanLoopNames.forDetection(d.id(), HumanLoop.A2I_WORKFLOW);
        await().atMost(Duration.ofSeconds(10)).until(() -> !loop.detectionStore().openLoops(10).isEmpty());
        CountDownLatch gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Integer>> codes = new ArrayList<>();
        for (String label : List.of("cat", "dog")) {
            codes.add(pool.submit(() -> {
                gate.await();
                return answer(loopName, label).statusCode();
            }));
        }
        gate.countDown();
        List<Integer> got = new ArrayList<>();
        for (Future<Integer> f : codes) {
            got.add(f.get());
        }
        pool.shutdown();
        assertThat(got).containsExactlyInAnyOrder(200, 409);
        await().atMost(Duration.ofSeconds(20)).until(() -> loop.detectionStore().get(d.id()).orElseThrow().reviewedAt() != null);
        assertThat(keysUnder("images_labeled_by_folder/")).filteredOn(k -> k.contains("humanLoopName-")).hasSize(1);
        assertThat(keysUnder("a2i-human-loop-data/")).filteredOn(k -> k.endsWith("output.json")).hasSize(1);
    }

    @Test
    void samplingEveryThirdOfTenDetectionsSendsThreeSamplesAndRecordsAgreement() throws Exception {
        loop.parameters().set("Minimum-Label-Detection-Confidence", "50"); // 55 % no longer needs review
        loop.parameters().set("Human-Sampling-Interval", "3");
        var template = loop.camel().createProducerTemplate();
        template.requestBodyAndHeader("direct:sampling-check", null, "ModelLoopTrigger", "manual"); // starts counting
        for (int i = 0; i < 10; i++) {
            put("images_for_detection/s" + i + ".png", png(TrainingImages.CIRCLE));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> loop.detectionStore().query(DetectionQuery.all(100)).detections().size() == 10);
        assertThat(loop.detectionStore().openLoops(100)).isEmpty();
        template.requestBodyAndHeader("direct:sampling-check", null, "ModelLoopTrigger", "manual");
        List<HumanLoop> samples = loop.detectionStore().openLoops(100);
        assertThat(samples).hasSize(3).allSatisfy(l -> assertThat(l.source()).isEqualTo(HumanLoop.HUMAN_SAMPLING));
        // a second check finds nothing new
        template.requestBodyAndHeader("direct:sampling-check", null, "ModelLoopTrigger", "manual");
        assertThat(loop.detectionStore().openLoops(100)).hasSize(3);

        assertThat(answer(samples.get(0).name(), "cat").statusCode()).isEqualTo(200);
        assertThat(answer(samples.get(1).name(), "dog").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> loop.detectionStore().stats(Instant.EPOCH).samplesAnswered() == 2);
        DetectionStats stats = loop.detectionStore().stats(Instant.EPOCH);
        assertThat(stats.agreement()).isEqualTo(0.5);
        assertThat(keysUnder("images_labeled_by_folder/")).noneMatch(k -> k.contains("humanLoopName-"));
    }

    @Test
    void aThrottledModelIsRetriedAndTheImageStillDetected() throws Exception {
        rek.failNext("DetectCustomLabels", 2, "ThrottlingException", "Rate exceeded");
        put("images_for_detection/t.png", png(TrainingImages.CIRCLE));
        Detection d = awaitDetection("images_for_detection/t.png");
        assertThat(d.outcome()).isEqualTo(Detection.Outcome.CLASSIFIED);
        assertThat(d.label()).isEqualTo("cat");
        assertThat(rek.count("DetectCustomLabels")).isEqualTo(3);
    }

    @Test
    void withoutARunningModelImagesWaitAndAreDetectedOnceOneRuns() throws Exception {
        loop.systemState().update(s -> s.withRunningModelVersion(null));
        put("images_for_detection/early.png", png(TrainingImages.CIRCLE));
        Detection waiting = awaitDetection("images_for_detection/early.png");
        assertThat(waiting.outcome()).isEqualTo(Detection.Outcome.NO_MODEL);
        await().atMost(Duration.ofSeconds(5)).until(() -> events().contains("NoModelRunning"));

        loop.systemState().update(s -> s.withRunningModelVersion(version));
        loop.camel().createProducerTemplate().sendBody("direct:detect",
                new DetectionRedrive(loop.detectionStore(), loop.systemState(), 10).waiting().get(0));
        Detection later = loop.detectionStore().get(waiting.id()).orElseThrow();
        assertThat(later.outcome()).isEqualTo(Detection.Outcome.CLASSIFIED);
        assertThat(later.label()).isEqualTo("cat");
        assertThat(loop.detectionStore().query(DetectionQuery.all(100)).detections()).hasSize(1);
    }

    @Test
    void aCrashAfterRecordingBeforeTheLoopIsFinishedByTheRedeliveryWithOneLoop() throws Exception {
        loop.camel().getRouteController().stopRoute("s3-poll-detection");
        put("images_for_detection/crash.png", png(TrainingImages.CIRCLE));
        var head = loop.s3().headObject(b -> b.bucket("bucket").key("images_for_detection/crash.png"));
        ObjectVersion object = new ObjectVersion("bucket", "images_for_detection/crash.png",
                head.eTag().replace("\"", ""), null, null, Instant.now());
        // what a pod that died right after writing the record leaves behind: classified, below the threshold, no loop
        loop.detectionStore().insertIfAbsent(Detection.builder().id(object.detectionId())
                .objectKey(object.idempotencyKey()).detectedAt(Instant.now()).bucket("bucket").key(object.key())
                .etag(object.etag()).modelVersion(version).outcome(Detection.Outcome.CLASSIFIED).label("cat")
                .confidence(55.0).threshold(70.0).reviewEnabled(true).uploadedAt(object.eventTime()).build());

        var template = loop.camel().createProducerTemplate();
        template.sendBody("direct:detect", object); // the message comes back after the crash
        template.sendBody("direct:detect", object); // and once more
        Detection d = loop.detectionStore().get(object.detectionId()).orElseThrow();
        assertThat(d.humanLoopName()).isEqualTo(HumanLoopNames.forDetection(d.id(), HumanLoop.A2I_WORKFLOW));
        assertThat(loop.detectionStore().openLoops(100)).singleElement()
                .satisfies(l -> assertThat(l.detectionId()).isEqualTo(d.id()));
        assertThat(rek.count("DetectCustomLabels")).as("not classified a second time").isZero();
    }

    @Test
    void anOutputWrittenAfterAnotherButSortingBeforeItIsStillProcessed() throws Exception {
        put("images_for_detection/first.png", png(TrainingImages.CIRCLE));
        put("images_for_detection/late.png", png(TrainingImages.STRIPES));
        Detection first = awaitDetection("images_for_detection/first.png");
        Detection late = awaitDetection("images_for_detection/late.png");
        await().atMost(Duration.ofSeconds(10)).until(() -> loop.detectionStore().openLoops(10).size() == 2);
        assertThat(answer(HumanLoopNames.forDetection(first.id(), HumanLoop.A2I_WORKFLOW), "cat").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> loop.detectionStore().get(first.id()).orElseThrow().reviewedAt() != null);

        // like an A2I loop answered long after the date in its output path: its key sorts before the one processed
        HumanLoop lateLoop = loop.detectionStore().getLoop(HumanLoopNames.forDetection(late.id(), HumanLoop.A2I_WORKFLOW)).orElseThrow();
        String key = io.modelloop.review.HumanLoopOutput.key("a-flow", lateLoop.name(), Instant.parse("2020-01-01T00:00:00Z"));
        put(key, io.modelloop.review.HumanLoopOutput.write(lateLoop, "arn:aws:sagemaker:us-east-1:123456789012:flow-definition/a-flow",
                "dog", "worker-1", Instant.now(), Instant.now()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(20)).until(() -> loop.detectionStore().get(late.id()).orElseThrow().reviewedAt() != null);
        assertThat(loop.detectionStore().get(late.id()).orElseThrow().humanLabel()).isEqualTo("dog");
    }

    @Test
    void aCorruptImageTheModelCannotReadIsRejectedNotRetried() throws Exception {
        // a PNG header with garbage after it passes the content check; the model refuses it
        byte[] corrupt = java.util.Arrays.copyOf(png(TrainingImages.CIRCLE), 40);
        rek.failNext("DetectCustomLabels", 1, "InvalidImageFormatException", "Request has invalid image format");
        put("images_for_detection/corrupt.png", corrupt);
        Detection d = awaitDetection("images_for_detection/corrupt.png");
        assertThat(d.outcome()).isEqualTo(Detection.Outcome.REJECTED);
        assertThat(d.reason()).contains("invalid image format");
        assertThat(rek.count("DetectCustomLabels")).as("a permanent image error is not retried").isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> events().contains("ImageRejected"));
    }
}
