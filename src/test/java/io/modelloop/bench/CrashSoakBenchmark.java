package io.modelloop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.testing.ChildModelLoop;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.LoopApi;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Crash soak (issue 13): a ModelLoop child JVM (local profile, built-in model, polling trigger)
 * receives images while a reviewer answers open review loops through the API and trainings run;
 * it is killed (kill -9) at random moments and restarted on the same data folder. At the end it
 * counts, for detections, images without a record (lost) and with more than one (duplicated), and
 * for review answers, answers the API accepted that the loop does not hold (lost) and loops that
 * accepted more than one answer (duplicated). Target 0 / 0. The keys (loop names) of every lost or
 * duplicated one are printed too, to look them up in the child's log and the bucket folder.
 *
 * <p>Run by bench/crash-soak.sh; not part of the test suite. System properties: soak.images (1000),
 * soak.kills (20), soak.seed (1), soak.minGapMs / soak.maxGapMs (2000 / 8000: time between a
 * restart and the next kill), soak.feedPauseMs (pause between images; default spreads them over
 * the kills). The kills start once the seed training's version serves.
 */
public final class CrashSoakBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] LABELS = {"red", "blue"};

    private final int images = Integer.getInteger("soak.images", 1000);
    private final int kills = Integer.getInteger("soak.kills", 20);
    private final Random random = new Random(Long.getLong("soak.seed", 1));
    private final int minGap = Integer.getInteger("soak.minGapMs", 2000);
    private final int maxGap = Integer.getInteger("soak.maxGapMs", 8000);
    /** Spreads the images over the kills: each kill cycle is a gap plus a restart (about 25 s here). */
    private final long feedPauseMs = Long.getLong("soak.feedPauseMs",
            (long) kills * ((minGap + maxGap) / 2 + 25_000) / Math.max(1, images));
    private final AtomicInteger put = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    /** loop name -> answers the API accepted (200). */
    private final Map<String, Set<String>> accepted = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> acceptedCount = new ConcurrentHashMap<>();
    private final AtomicInteger trainings = new AtomicInteger();
    private volatile ChildModelLoop child;

    public static void main(String[] args) throws Exception {
        new CrashSoakBenchmark().run();
        System.exit(0);
    }

    void run() throws Exception {
        Path data = Files.createTempDirectory("modelloop-crash-soak");
        // a low bar for training so answers lead to new versions during the soak; most detections go to review
        Files.writeString(data.resolve("parameters.properties"), String.join("\n",
                "Minimum-Label-Detection-Confidence=95", "Minimum-Untrained-Images=40", "Minimum-F1-Score=0",
                "Automatic-Training-Poll-Frequency=1", "Enable-Automatic-Human-Sampling=false", ""));
        long t0 = System.nanoTime();
        child = ChildModelLoop.builder(data).properties(Map.of("modelloop.poll.interval-ms", "300",
                "modelloop.builtin.epochs", "3", "modelloop.training.poll-interval-ms", "2000",
                "modelloop.detection.redrive-interval-ms", "2000")).jvmArg("-Xmx1g").start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> child.kill())); // no child left behind on Ctrl-C
        for (int i = 0; i < 50; i++) { // seed training set: 25 per label (Minimum-Untrained-Images is 40)
            String label = LABELS[i % 2];
            s3Put("images_labeled_by_folder/" + label + "/seed-" + i + ".png", png(label, i));
        }
        child.api().post("/api/training/check", null);
        log("started; seed training requested");
        // reviews need a running model: the soak's kills start once the seed version serves
        long modelDeadline = System.nanoTime() + 600_000_000_000L;
        while (!child.api().json("/api/status").path("systemState").path("runningModelVersion").isTextual()) {
            if (System.nanoTime() > modelDeadline) {
                throw new IllegalStateException("no model running 10 minutes after the seed training; see " + child.log());
            }
            Thread.sleep(1000);
        }
        log("seed model running");

        Thread feeder = new Thread(this::feed, "soak-feeder");
        Thread reviewer = new Thread(this::review, "soak-reviewer");
        feeder.start();
        reviewer.start();
        for (int k = 1; k <= kills; k++) {
            Thread.sleep(minGap + random.nextInt(Math.max(1, maxGap - minGap)));
            ChildModelLoop c = child;
            c.kill();
            log("kill " + k + " at " + put.get() + " images put, " + accepted.size() + " answers");
            c.restart();
        }
        feeder.join();
        log("all " + images + " images put; settling");
        // settle: every image has a record and no loop is open (the reviewer keeps answering)
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (System.nanoTime() < deadline) {
            Map<String, Long> perKey = recordsPerKey();
            long missing = imageKeys().stream().filter(k -> !perKey.containsKey(k)).count();
            int open = child.api().json("/api/reviews?limit=1").path("count").asInt(-1);
            if (missing == 0 && open == 0) {
                break;
            }
            Thread.sleep(1000);
        }
        stop.set(true);
        reviewer.join();
        report(t0);
        child.close();
    }

    private void feed() {
        for (int i = 0; i < images; i++) {
            String label = LABELS[random.nextInt(2)];
            String key = "images_for_detection/soak-%05d.png".formatted(i);
            while (true) {
                try {
                    s3Put(key, png(label, 1000 + i));
                    break;
                } catch (RuntimeException e) {
                    pause(200); // the child is down: put again once it is back
                }
            }
            put.incrementAndGet();
            pause(feedPauseMs);
        }
    }

    private void review() {
        while (!stop.get()) {
            try {
                LoopApi api = child.reviewerApi();
                JsonNode next = api.postJson("/api/reviews/next", "{}");
                if (next.path("name").isMissingNode() || next.path("name").isNull()) {
                    pause(200);
                    continue;
                }
                String loop = next.path("name").asText();
                // the answer follows the image's colour (its name says which it was made with)
                String label = next.path("detectedLabel").asText(LABELS[0]);
                HttpResponse<String> r = api.post("/api/reviews/" + loop + "/answer",
                        JSON.createObjectNode().put("label", label).toString());
                if (r.statusCode() == 200) {
                    accepted.computeIfAbsent(loop, n -> ConcurrentHashMap.newKeySet()).add(label);
                    acceptedCount.computeIfAbsent(loop, n -> new AtomicInteger()).incrementAndGet();
                }
            } catch (RuntimeException | AssertionError e) {
                pause(200); // down or restarting
            }
        }
    }

    private void report(long t0) {
        Map<String, Long> perKey = recordsPerKey();
        var keys = imageKeys();
        // the keys themselves, so that a miss can be looked up in the child's log and the bucket folder
        var lostKeys = keys.stream().filter(k -> !perKey.containsKey(k)).toList();
        var duplicatedKeys = perKey.entrySet().stream().filter(e -> e.getValue() > 1).map(e -> e.getKey() + " x" + e.getValue()).toList();
        long lost = lostKeys.size();
        long duplicated = duplicatedKeys.size();
        var lostAnswers = new java.util.ArrayList<String>();
        for (var e : accepted.entrySet()) {
            JsonNode loop = child.api().json("/api/reviews/" + e.getKey());
            if (!"ANSWERED".equals(loop.path("status").asText()) || !e.getValue().contains(loop.path("answer").asText())) {
                lostAnswers.add(e.getKey() + " (accepted " + e.getValue() + ", loop " + loop.path("status").asText()
                        + " " + loop.path("answer").asText("-") + ")");
            }
        }
        long answersLost = lostAnswers.size();
        var duplicatedAnswers = acceptedCount.entrySet().stream().filter(e -> e.getValue().get() > 1)
                .map(e -> e.getKey() + " x" + e.getValue().get()).toList();
        long answersDuplicated = duplicatedAnswers.size();
        JsonNode runs = child.api().json("/api/runs?type=TRAINING_RUN&limit=100");
        System.out.printf("crash soak: %d images, %d kills, %d answers accepted, %d training runs, %.0f s%n", keys.size(), kills,
                accepted.size(), runs.path("runs").size(), (System.nanoTime() - t0) / 1e9);
        System.out.printf("detections: lost %d, duplicated %d%n", lost, duplicated);
        printKeys("  lost", lostKeys);
        printKeys("  duplicated", duplicatedKeys);
        System.out.printf("review answers: lost %d, duplicated %d%n", answersLost, answersDuplicated);
        printKeys("  lost", lostAnswers);
        printKeys("  duplicated", duplicatedAnswers);
        Path aside = child.dataDir().resolve(io.modelloop.storage.IncompleteUploads.FOLDER);
        if (Files.isDirectory(aside)) {
            try (var files = Files.walk(aside)) {
                var moved = files.filter(Files::isRegularFile).map(f -> aside.relativize(f).toString()).sorted().toList();
                System.out.printf("unfinished uploads moved aside at restarts: %d%n", moved.size());
                printKeys("  moved", moved);
            } catch (java.io.IOException e) {
                System.out.println("cannot list " + aside + ": " + e.getMessage());
            }
        }
        System.out.println("data folder: " + child.dataDir());
        System.out.println("child log: " + child.log());
    }

    private static void printKeys(String what, java.util.List<String> keys) {
        if (!keys.isEmpty()) {
            System.out.println(what + ": " + String.join(", ", keys));
        }
    }

    private java.util.List<String> imageKeys() {
        return child.s3().listObjectsV2Paginator(b -> b.bucket(ChildModelLoop.BUCKET).prefix("images_for_detection/soak-"))
                .contents().stream().map(o -> o.key()).toList();
    }

    private Map<String, Long> recordsPerKey() {
        Map<String, Long> perKey = new TreeMap<>();
        for (JsonNode d : child.api().allDetections()) {
            perKey.merge(d.path("key").asText(), 1L, Long::sum);
        }
        return perKey;
    }

    private void s3Put(String key, byte[] bytes) {
        child.s3().putObject(b -> b.bucket(ChildModelLoop.BUCKET).key(key).contentType("image/png"), RequestBody.fromBytes(bytes));
    }

    private static byte[] png(String label, int n) {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        Random r = new Random(n);
        int jitter = r.nextInt(60);
        g.setColor(label.equals("red") ? new Color(180 + jitter, r.nextInt(80), r.nextInt(80))
                : new Color(r.nextInt(80), r.nextInt(80), 180 + jitter));
        g.fillRect(0, 0, 32, 32);
        g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
        g.fillRect(r.nextInt(28), r.nextInt(28), 4, 4);
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void log(String s) {
        System.out.println(java.time.LocalTime.now().withNano(0) + " " + s);
    }

    static {
        Fixture.freePort(); // load the test users' hashes before the first child starts
    }
}
