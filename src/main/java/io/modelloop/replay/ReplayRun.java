package io.modelloop.replay;

import io.modelloop.ModelLoop;
import io.modelloop.config.Settings;
import io.modelloop.detection.Detection;
import io.modelloop.detection.ObjectVersion;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.runs.RunRecord;
import io.modelloop.storage.BucketLayout;
import io.modelloop.training.TrainingPipeline;
import io.modelloop.web.auth.PasswordHasher;
import io.modelloop.web.auth.Role;
import io.modelloop.web.auth.User;
import io.modelloop.web.auth.UserDirectory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * One (policy, seed) run of the real loop, in process, in the local profile on its own temporary
 * data folder: seed images into the labelled folders and a training; then per batch the images into
 * the detection folder, the simulated reviewer on the review API, a training check, and a score on
 * the held-out test set.
 */
final class ReplayRun {

    static final String TEST_PREFIX = "replay-test/";
    private static final String REVIEWER = "replay-reviewer";
    /** Two reviewers answer at once, as two people would; more would only queue on two cores. */
    private static final List<String> REVIEWERS = List.of(REVIEWER + "-1", REVIEWER + "-2");
    /** A training on a laptop CPU can take long; a run that never ends is a bug, not a slow model. */
    private static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(60);

    private final ReplayPlan plan;
    private final Policy policy;
    private final long seed;
    private final Path dataDir;
    private final Progress progress;
    private final Consumer<ModelLoop> running;

    /**
     * @param running told the loop once it runs (and null when closed), so Ctrl-C can close it
     */
    ReplayRun(ReplayPlan plan, Policy policy, long seed, Path dataDir, Progress progress, Consumer<ModelLoop> running) {
        this.plan = plan;
        this.policy = policy;
        this.seed = seed;
        this.dataDir = dataDir;
        this.progress = progress;
        this.running = running;
    }

    /**
     * Runs it. {@code labelsPerBatch}: for random, the number of labels to give in each batch (null
     * entries or list = {@code --random-per-batch}, else 10 % of the batch).
     */
    RunResult run(List<Integer> labelsPerBatch) throws Exception {
        ReplayOptions o = plan.options();
        ReplayPlan.Draw draw = plan.draw(seed);
        long t0 = System.nanoTime();
        progress.run(policy.id(), seed, draw.batches().size());
        char[] password = newPassword();
        Settings settings = settings(o);
        UserDirectory users = new UserDirectory(dataDir.resolve("users.properties"), Map.of());
        String hash = PasswordHasher.hash(password);
        for (String reviewer : REVIEWERS) {
            users.put(new User(reviewer, Role.REVIEWER, hash));
        }
        ModelLoop loop = new ModelLoop(settings).start();
        running.accept(loop);
        try {
            String bucket = settings.bucket();
            applyParameters(loop);
            Laps laps = new Laps();
            progress.show("uploading test images");
            List<String[]> testImages = new ArrayList<>();
            Map<String, Dataset.Item> testUploads = new LinkedHashMap<>();
            int i = 0;
            for (Dataset.Item item : plan.test()) {
                String key = TEST_PREFIX + String.format("%06d", i++) + "." + item.format();
                testUploads.put(key, item);
                testImages.add(new String[] {key, item.label()});
            }
            putAll(loop, bucket, testUploads);
            Evaluator evaluator = new Evaluator(loop.modelBackend(), bucket, testImages);
            progress.show("uploading seed images");
            Map<String, Dataset.Item> seedUploads = new LinkedHashMap<>();
            i = 0;
            for (Dataset.Item item : draw.seed()) {
                seedUploads.put(BucketLayout.LABELED + item.label() + "/seed-" + String.format("%06d", i++) + "."
                        + item.format(), item);
            }
            putAll(loop, bucket, seedUploads);
            List<Point> points = new ArrayList<>();
            Map<String, Evaluator.Score> scores = new HashMap<>();
            laps.lap("upload");
            String[] training = train(loop);
            laps.lap("train");
            points.add(point(loop, evaluator, scores, 0, draw.seed().size(), 0, 0, 0, training, t0, laps));

            Map<String, String> truth = new HashMap<>();
            SimulatedReviewer reviewer = new SimulatedReviewer("http://127.0.0.1:" + settings.get("modelloop.http.port"),
                    REVIEWERS, password, truth);
            Random choices = new Random(seed * 7919 + 17);
            int humanLabels = 0;
            for (int b = 0; b < draw.batches().size(); b++) {
                List<Dataset.Item> batch = draw.batches().get(b);
                progress.batch(b + 1, batch.size());
                laps = new Laps();
                Map<String, Dataset.Item> uploads = new LinkedHashMap<>();
                i = 0;
                for (Dataset.Item item : batch) {
                    String key = BucketLayout.DETECTION + "batch-" + (b + 1) + "/" + String.format("%06d", i++) + "."
                            + item.format();
                    truth.put("s3://" + bucket + "/" + key, item.label());
                    uploads.put(key, item);
                }
                List<String> ids = new ArrayList<>();
                putAll(loop, bucket, uploads).forEach((key, r) -> ids.add(new ObjectVersion(bucket, key,
                        r.eTag() == null ? "" : r.eTag().replace("\"", ""), null, null, null).detectionId()));
                laps.lap("upload");
                List<String> reviewable = awaitDetections(loop, ids);
                laps.lap("detect");
                int open = reviewer.openLoops();
                java.util.function.Predicate<String> labelIt = image -> true;
                if (policy == Policy.RANDOM) {
                    Integer given = labelsPerBatch == null || b >= labelsPerBatch.size() ? null : labelsPerBatch.get(b);
                    int k = given != null ? given : o.randomPerBatch() != null ? o.randomPerBatch()
                            : (int) Math.round(batch.size() * 0.1);
                    // k of the batch's images that got a loop, drawn by seed before anyone reviews: the same
                    // choice however the reviewers' work interleaves
                    List<String> shuffled = new ArrayList<>(reviewable);
                    java.util.Collections.shuffle(shuffled, choices);
                    java.util.Set<String> chosen = new java.util.HashSet<>(shuffled.subList(0, Math.min(k, shuffled.size())));
                    labelIt = chosen::contains;
                }
                final int before = humanLabels;
                java.util.concurrent.atomic.AtomicInteger counted = new java.util.concurrent.atomic.AtomicInteger();
                progress.show("reviewing " + open + " loops");
                List<SimulatedReviewer.Answer> answers = reviewer.answerAll(labelIt, () -> {
                    if (counted.incrementAndGet() % 10 == 0) {
                        progress.show("reviewed " + counted.get() + "/" + open);
                    }
                });
                int labelled = (int) answers.stream().filter(SimulatedReviewer.Answer::labelled).count();
                humanLabels = before + labelled;
                progress.labels(humanLabels);
                laps.lap("review");
                awaitAnswersProcessed(loop, answers);
                laps.lap("apply");
                training = train(loop);
                laps.lap("train");
                points.add(point(loop, evaluator, scores, b + 1, batch.size(), answers.size(), labelled, humanLabels,
                        training, t0, laps));
            }
            String last = points.get(points.size() - 1).servingVersion();
            Evaluator.Score lastScore = scores.computeIfAbsent(String.valueOf(last), v -> evaluator.score(last));
            return new RunResult(policy.id(), seed, draw.seed().size(), draw.streamSize(), List.copyOf(points),
                    lastScore.confusion());
        } finally {
            running.accept(null);
            loop.close();
            java.util.Arrays.fill(password, '\0');
        }
    }

    /** What every run is: a local instance with the built-in parts, reached only from this machine. */
    static final Map<String, String> FIXED_SETTINGS = fixedSettings();
    /** Set per run: its own data folder, users file and free ports. */
    static final Set<String> PER_RUN_SETTINGS = Set.of("modelloop.data", "modelloop.web.users-file",
            "modelloop.http.port", "modelloop.management.port", "modelloop.s3.port");

    private static Map<String, String> fixedSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("camel.main.profile", "local");
        s.put("modelloop.http.host", "127.0.0.1");
        s.put("modelloop.management.host", "127.0.0.1");
        s.put("modelloop.web.create-first-operator", "false");
        s.put("modelloop.review.backend", "builtin");
        s.put("modelloop.trigger", "poll");
        s.put("modelloop.leader.election", "none");
        s.put("modelloop.notify.sinks", "jsonl");
        s.put("modelloop.dev", "false");
        s.put("modelloop.parameters.store", "file");
        s.put("modelloop.detections.store", "jdbc");
        s.put("modelloop.runs.store", "jdbc");
        s.put("modelloop.model.backend", "builtin");
        return Map.copyOf(s);
    }

    private Settings settings(ReplayOptions o) {
        Map<String, String> s = new LinkedHashMap<>(FIXED_SETTINGS);
        s.put("modelloop.data", dataDir.toString());
        s.put("modelloop.web.users-file", dataDir.resolve("users.properties").toString());
        s.put("modelloop.http.port", Integer.toString(freePort()));
        s.put("modelloop.management.port", Integer.toString(freePort()));
        s.put("modelloop.s3.port", Integer.toString(freePort()));
        // the replay waits on the training poll: a short one deploys a version soon after it is trained.
        // The trigger and results polls keep the local profile's second: each lists the store
        // (thousands of objects by the end of a replay), and at 300 ms listing was a quarter of the
        // CPU time while a training ran; they cost a second per batch at most.
        s.put("modelloop.training.poll-interval-ms", "300");
        s.put("modelloop.detection.redrive-interval-ms", "1000");
        s.put("modelloop.parameters.poll-interval-ms", "1000");
        s.putAll(o.sets());
        Path config = o.config() != null ? o.config() : Path.of("config");
        return Settings.load(config, s);
    }

    private void applyParameters(ModelLoop loop) {
        var p = loop.parameters();
        p.set(ParameterDefinition.ENABLE_AUTOMATIC_TRAINING, "false", REVIEWER);
        p.set(ParameterDefinition.ENABLE_AUTOMATIC_HUMAN_SAMPLING, "false", REVIEWER);
        p.set(ParameterDefinition.ENABLE_A2I_WORKFLOW, "true", REVIEWER);
        plan.options().params().forEach((k, v) -> p.set(k, v, REVIEWER));
        if (policy != Policy.CONFIDENCE) {
            p.set(ParameterDefinition.MINIMUM_LABEL_DETECTION_CONFIDENCE, "100", REVIEWER);
        }
    }

    /** Uploads on a few threads (each PUT mostly waits on the local store); the responses by key, in order. */
    private static Map<String, PutObjectResponse> putAll(ModelLoop loop, String bucket, Map<String, Dataset.Item> items)
            throws InterruptedException {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "replay-upload");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, java.util.concurrent.Future<PutObjectResponse>> futures = new LinkedHashMap<>();
            items.forEach((key, item) -> futures.put(key, pool.submit(() -> put(loop, bucket, key, item))));
            Map<String, PutObjectResponse> out = new LinkedHashMap<>();
            for (var e : futures.entrySet()) {
                try {
                    out.put(e.getKey(), e.getValue().get());
                } catch (java.util.concurrent.ExecutionException x) {
                    throw new IllegalStateException("uploading " + e.getKey() + " failed: " + x.getCause().getMessage(),
                            x.getCause());
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static PutObjectResponse put(ModelLoop loop, String bucket, String key, Dataset.Item item) {
        String type = item.format().equals("jpg") ? "image/jpeg" : "image/png";
        return loop.s3().putObject(b -> b.bucket(bucket).key(key).contentType(type), RequestBody.fromBytes(item.bytes()));
    }

    /**
     * Waits until every image of the batch has its detection record, and each one below the threshold
     * its review loop; returns the images (s3:// URIs) that got a loop, in batch order.
     */
    private List<String> awaitDetections(ModelLoop loop, List<String> ids) throws InterruptedException {
        Duration timeout = Duration.ofSeconds(120 + ids.size());
        Map<String, Detection> done = new HashMap<>();
        List<String> pending = new ArrayList<>(ids);
        int total = ids.size();
        Waits.until(() -> {
            pending.removeIf(id -> loop.detectionStore().get(id).filter(ReplayRun::settled)
                    .map(d -> {
                        done.put(id, d);
                        return d;
                    }).isPresent());
            return pending.isEmpty();
        }, timeout, () -> pending.size() + " of " + total + " images without a detection record (or review loop)",
                () -> progress.show("detecting " + (total - pending.size()) + "/" + total));
        return ids.stream().map(done::get).filter(d -> d.humanLoopName() != null)
                .map(d -> "s3://" + d.bucket() + "/" + d.key()).toList();
    }

    private static boolean settled(Detection d) {
        boolean wantsLoop = d.outcome() == Detection.Outcome.CLASSIFIED && d.reviewEnabled() && d.belowThreshold();
        return !wantsLoop || d.humanLoopName() != null;
    }

    /** The loop processed every answer: the detection has its review (and a labelled image is in the training set). */
    private void awaitAnswersProcessed(ModelLoop loop, List<SimulatedReviewer.Answer> answers) throws InterruptedException {
        List<String> pending = new ArrayList<>(answers.stream().map(SimulatedReviewer.Answer::detectionId)
                .filter(java.util.Objects::nonNull).toList());
        int total = pending.size();
        Waits.until(() -> {
            pending.removeIf(id -> loop.detectionStore().get(id).map(d -> d.reviewedAt() != null).orElse(true));
            return pending.isEmpty();
        }, Duration.ofSeconds(120 + total), () -> pending.size() + " of " + total + " answers not processed",
                () -> progress.show("answers processed " + (total - pending.size()) + "/" + total));
    }

    /** A training check, and the run's end when it trains: {outcome, reason}. */
    private String[] train(ModelLoop loop) throws InterruptedException {
        progress.show("training check");
        RunRecord check = loop.trainingPipeline().check("replay");
        Map<String, Object> out = check.output() == null ? Map.of() : check.output();
        String decision = String.valueOf(out.getOrDefault("decision", check.error()));
        Object runId = out.get("trainingRun");
        if (runId == null) {
            return new String[] {check.status() == RunRecord.RunStatus.FAILED ? "failed" : "not-trained", decision};
        }
        // the run in progress is cleared a moment before the run record gets its end: wait for both
        Waits.until(() -> loop.systemState().load().trainingRunInProgress() == null
                        && loop.runStore().get(runId.toString()).filter(r -> r.status() != RunRecord.RunStatus.RUNNING).isPresent(),
                TRAINING_TIMEOUT, () -> "training run " + runId + " did not end",
                () -> progress.show("training " + trainingProgress(loop)));
        RunRecord r = loop.runStore().get(runId.toString()).orElseThrow();
        if (r.status() == RunRecord.RunStatus.SUCCEEDED) {
            return new String[] {"deployed", "version " + r.output().getOrDefault("version", "?") + " deployed"};
        }
        boolean trained = r.steps() != null && r.steps().stream()
                .anyMatch(s -> s.name().equals("train") && s.status() == RunRecord.RunStatus.SUCCEEDED);
        String reason = r.steps() == null ? null : r.steps().stream().filter(s -> s.status() == RunRecord.RunStatus.FAILED)
                .reduce((a, b) -> b).map(s -> s.error()).orElse(null);
        return new String[] {trained ? "refused" : "failed", reason != null ? reason : String.valueOf(r.error())};
    }

    private static String trainingProgress(ModelLoop loop) {
        var tr = loop.systemState().load().trainingRunInProgress();
        if (tr == null || tr.modelVersion() == null) {
            return "";
        }
        try {
            var v = loop.modelBackend().describe(tr.modelVersion());
            return v.progress() == null ? "" : "epoch " + v.progress().epoch() + "/" + v.progress().epochs();
        } catch (RuntimeException e) {
            return "";
        }
    }

    private Point point(ModelLoop loop, Evaluator evaluator, Map<String, Evaluator.Score> scores, int batch, int images,
                        int reviewed, int labelled, int humanLabels, String[] training, long t0, Laps laps) {
        progress.show("scoring on " + plan.test().size() + " test images");
        String version = loop.systemState().load().runningModelVersion();
        Evaluator.Score s = scores.computeIfAbsent(String.valueOf(version), v -> evaluator.score(version));
        laps.lap("score");
        TreeSet<String> discovered = new TreeSet<>(s.knownLabels());
        discovered.removeAll(plan.seedLabels());
        Point p = new Point(batch, images, reviewed, labelled, humanLabels, s.knownLabels(), List.copyOf(discovered),
                training[0], training[1], version, s.macroF1(), s.accuracy(), (System.nanoTime() - t0) / 1e9, laps.seconds());
        progress.point(p);
        return p;
    }

    private static char[] newPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Seconds spent per phase of one point, in the order the phases ran. */
    static final class Laps {
        private final Map<String, Double> seconds = new LinkedHashMap<>();
        private long mark = System.nanoTime();

        void lap(String phase) {
            long now = System.nanoTime();
            seconds.merge(phase, Math.round((now - mark) / 1e7) / 100.0, Double::sum);
            mark = now;
        }

        Map<String, Double> seconds() {
            return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
        }
    }

    /** Waiting on conditions, with a bound, redrawing the progress line meanwhile. */
    static final class Waits {
        private Waits() {
        }

        static void until(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what,
                          Runnable tick) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            long lastTick = 0;
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException(what.get() + " after " + timeout.toSeconds() + " s");
                }
                if (System.nanoTime() - lastTick > 1_000_000_000L) {
                    tick.run();
                    lastTick = System.nanoTime();
                }
                Thread.sleep(200);
            }
        }
    }
}
