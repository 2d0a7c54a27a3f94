package io.modelloop.bench;

import static io.modelloop.testing.RekognitionStubs.call;
import static io.modelloop.testing.RekognitionStubs.ok;

import io.modelloop.ModelLoop;
import io.modelloop.detection.S3Events;
import io.modelloop.model.TrainingImages;
import io.modelloop.parameters.FileParameterStore;
import io.modelloop.runs.RunRecord;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.testing.ElasticMq;
import io.modelloop.testing.Fixture;
import io.modelloop.testing.RekognitionStubs;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Throughput and added latency of the detection pipeline (SQS trigger -> direct:detect ->
 * validate -> model -> detection record -> notification), side by side:
 * <ol>
 *   <li>{@code rek-200ms}: Rekognition DetectCustomLabels stubbed (WireMock) with a fixed 200 ms
 *       delay and 10 SQS consumers: achieved detections/s against the ideal 10 / 0.2 s = 50/s;</li>
 *   <li>{@code rek-0ms}: the same with no delay: the pipeline's own ceiling, and its added latency;</li>
 *   <li>{@code builtin}: S3Proxy + ElasticMQ + the built-in model trained on a few generated images.</li>
 * </ol>
 * Each scenario: ElasticMQ (queue with a DLQ redrive), a local-profile ModelLoop with the SQS
 * trigger, N distinct PNGs put into the local bucket, one S3 ObjectCreated event message per image.
 * Phases: warm-up burst (not measured), a burst of N messages (throughput over the steady part:
 * completions between 5 % and 95 %; also shown from 5 % to the last), then a paced phase (latency when not saturated). Completion
 * times, model times and start times come from the DETECTION run records (endedAt, the
 * "classify" step); the event time in each message is the instant it was sent.
 *
 * <p>At the end it prints one line per scenario and figure in the form bench/lib/interleave.sh
 * reads, {@code RESULT scenario=<name> metric=<metric> value=<number> unit=<unit>}: throughput
 * (det/s, completions 5-95 %), ratio-of-ideal (rek-200ms only), paced-e2e-p50 and
 * paced-added-p50 (ms).
 *
 * <p>Run by bench/pipeline.sh (each scenario in its own JVM, interleaved over rounds); not part
 * of the test suite. System properties:
 * bench.scenarios (rek-200ms,rek-0ms,builtin), bench.consumers (10), bench.warmup (100),
 * bench.n.rek-200ms (1000), bench.n.rek-0ms (3000), bench.n.builtin (1000),
 * bench.pace.rek-200ms (25/s), bench.pace.rek-0ms (50/s), bench.pace.builtin (25/s),
 * bench.paced (300 messages), bench.maxMessagesPerPoll (application default), bench.extra
 * (k=v,k=v settings for every scenario).
 */
public final class PipelineThroughputBenchmark {

    static final String BUCKET = "bucket";
    static final String CONFIDENT = "{\"CustomLabels\":[{\"Name\":\"cat\",\"Confidence\":99.0},{\"Name\":\"dog\",\"Confidence\":1.0}]}";

    record Sent(String key, Instant at) {
    }

    record Result(String scenario, int n, double seconds, double rate, double rateToEnd, double ideal,
                  double[] e2e, double[] added, double[] model, double[] queued,
                  int pacedN, double pacedRate, double[] pacedE2e, double[] pacedAdded, double[] pacedModel, double[] pacedQueued) {
    }

    public static void main(String[] args) throws Exception {
        List<String> scenarios = Arrays.asList(System.getProperty("bench.scenarios", "rek-200ms,rek-0ms,builtin").split(","));
        System.out.printf(Locale.ROOT, "%d cores, %s, max heap %d MB%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + Runtime.version(), Runtime.getRuntime().maxMemory() >> 20);
        List<Result> results = new ArrayList<>();
        long t0 = System.nanoTime();
        for (String s : scenarios) {
            results.add(switch (s.trim()) {
                case "rek-200ms" -> rekognition("rek-200ms", 200, Integer.getInteger("bench.n.rek-200ms", 1000), pace("rek-200ms", 25));
                case "rek-0ms" -> rekognition("rek-0ms", 0, Integer.getInteger("bench.n.rek-0ms", 3000), pace("rek-0ms", 50));
                case "builtin" -> builtin(Integer.getInteger("bench.n.builtin", 1000), pace("builtin", 25));
                default -> throw new IllegalArgumentException("unknown scenario " + s);
            });
        }
        System.out.printf(Locale.ROOT, "%nResults (total %.0f s). det/s: completions 5-95 %%, to end: 5-100 %%. Times in ms; p50/p95/p99. e2e = event (send) time -> run end;"
                + " added = e2e - model (classify step); queued = send -> detection start.%n", (System.nanoTime() - t0) / 1e9);
        System.out.printf(Locale.ROOT, "%-10s %6s %8s %8s %9s %7s | %-17s %-17s %-17s %-17s%n", "scenario", "N", "det/s",
                "to end", "ideal/s", "ratio", "burst e2e", "burst added", "model", "burst queued");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%-10s %6d %8.1f %8.1f %9s %7s | %-17s %-17s %-17s %-17s%n", r.scenario(), r.n(), r.rate(), r.rateToEnd(),
                    r.ideal() > 0 ? String.format(Locale.ROOT, "%.0f", r.ideal()) : "-",
                    r.ideal() > 0 ? String.format(Locale.ROOT, "%.2f", r.rate() / r.ideal()) : "-",
                    pct(r.e2e()), pct(r.added()), pct(r.model()), pct(r.queued()));
        }
        System.out.printf(Locale.ROOT, "%nPaced phase (below saturation):%n%-10s %6s %8s | %-17s %-17s %-17s %-17s%n",
                "scenario", "N", "sent/s", "e2e", "added", "model", "queued");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%-10s %6d %8.1f | %-17s %-17s %-17s %-17s%n", r.scenario(), r.pacedN(), r.pacedRate(),
                    pct(r.pacedE2e()), pct(r.pacedAdded()), pct(r.pacedModel()), pct(r.pacedQueued()));
        }
        System.out.println();
        for (Result r : results) {
            result(r.scenario(), "throughput", r.rate(), "det/s");
            if (r.ideal() > 0) {
                result(r.scenario(), "ratio-of-ideal", r.rate() / r.ideal(), "x");
            }
            result(r.scenario(), "paced-e2e-p50", median(r.pacedE2e()), "ms");
            result(r.scenario(), "paced-added-p50", median(r.pacedAdded()), "ms");
        }
        System.exit(0);
    }

    /** One line of the bench/lib/interleave.sh contract; a value that is not a number is left out. */
    static void result(String scenario, String metric, double value, String unit) {
        if (Double.isFinite(value)) {
            System.out.printf(Locale.ROOT, "RESULT scenario=%s metric=%s value=%.4f unit=%s%n", scenario, metric, value, unit);
        } else {
            System.out.printf(Locale.ROOT, "(no %s for %s: %s)%n", metric, scenario, value);
        }
    }

    static double pace(String scenario, double fallback) {
        return Double.parseDouble(System.getProperty("bench.pace." + scenario, Double.toString(fallback)));
    }

    static Map<String, String> commonSettings(ElasticMq sqs, String queue) {
        Map<String, String> s = new HashMap<>();
        s.put("modelloop.trigger", "sqs");
        s.put("modelloop.sqs.endpoint", sqs.endpoint());
        s.put("modelloop.sqs.queue", queue);
        s.put("modelloop.aws.region", "us-east-1");
        s.put("modelloop.sqs.concurrent-consumers", System.getProperty("bench.consumers", "10"));
        s.put("modelloop.sqs.wait-time-seconds", "1");
        s.put("modelloop.sqs.visibility-timeout-seconds", "60");
        if (System.getProperty("bench.maxMessagesPerPoll") != null) {
            s.put("modelloop.sqs.max-messages-per-poll", System.getProperty("bench.maxMessagesPerPoll"));
        }
        String extra = System.getProperty("bench.extra", "");
        for (String kv : extra.split(",")) {
            if (kv.contains("=")) {
                s.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        return s;
    }

    static Result rekognition(String name, int delayMs, int n, double paceRate) throws Exception {
        System.out.printf(Locale.ROOT, "%n== %s: Rekognition stub answering in %d ms ==%n", name, delayMs);
        Path data = Files.createTempDirectory("modelloop-bench-" + name);
        try (RekognitionStubs rek = RekognitionStubs.start("modelloop");
             ElasticMq sqs = ElasticMq.start()) {
            rek.projectExists();
            // confident (99 % >= the 70 % threshold): no review loops in the measurement
            String version = rek.version("v1").completesWithF1(0.9).detects("cat", 99.0, "dog", 1.0).alreadyRunning().arn();
            // a plain stub in front of the scenario's: no scenario lock per call, and the fixed delay
            rek.server().stubFor(call("DetectCustomLabels").atPriority(1).willReturn(ok(CONFIDENT).withFixedDelay(delayMs)));
            new SystemStateRepository(new FileParameterStore(data.resolve("parameters.properties")), Clock.systemUTC())
                    .update(s -> s.withRunningModelVersion(version));
            String queue = "bench-" + name;
            String queueUrl = sqs.createQueueWithDlq(queue, 5, 60);
            Map<String, String> s = commonSettings(sqs, queue);
            s.putAll(rek.settings());
            s.put("modelloop.model.backend", "rekognition");
            try (ModelLoop loop = Fixture.startLocal(data, s)) {
                int consumers = Integer.parseInt(s.get("modelloop.sqs.concurrent-consumers"));
                double ideal = delayMs > 0 ? consumers * 1000.0 / delayMs : 0;
                return measure(name, loop, sqs, queueUrl, n, paceRate, ideal);
            }
        }
    }

    static Result builtin(int n, double paceRate) throws Exception {
        System.out.printf(Locale.ROOT, "%n== builtin: the built-in model (DJL), trained on generated images ==%n");
        Path data = Files.createTempDirectory("modelloop-bench-builtin");
        String oldKey = System.setProperty("aws.accessKeyId", "test");
        String oldSecret = System.setProperty("aws.secretAccessKey", "test");
        try (ElasticMq sqs = ElasticMq.start()) {
            String queue = "bench-builtin";
            String queueUrl = sqs.createQueueWithDlq(queue, 5, 60);
            Map<String, String> s = commonSettings(sqs, queue);
            s.put("modelloop.model.backend", "builtin");
            s.put("modelloop.builtin.epochs", System.getProperty("bench.builtin.epochs", "8"));
            s.put("modelloop.training.poll-interval-ms", "300");
            try (ModelLoop loop = Fixture.startLocal(data, s)) {
                Random r = new Random(7);
                for (String label : List.of(TrainingImages.CIRCLE, TrainingImages.STRIPES, TrainingImages.CHECKERS)) {
                    for (int i = 0; i < 12; i++) {
                        byte[] img = TrainingImages.encode(TrainingImages.draw(label, r), "png");
                        loop.s3().putObject(b -> b.bucket(BUCKET).key("images_labeled_by_folder/" + label + "/" + label.hashCode()
                                + "-" + r.nextInt() + ".png"), RequestBody.fromBytes(img));
                    }
                }
                long t = System.nanoTime();
                var reply = Fixture.send(HttpRequest.newBuilder(URI.create(Fixture.httpBase(loop) + "/api/training/check"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build());
                if (reply.statusCode() / 100 != 2) {
                    throw new IllegalStateException("training check: " + reply.statusCode() + " " + reply.body());
                }
                long deadline = System.nanoTime() + 180_000_000_000L;
                while (loop.systemState().load().runningModelVersion() == null || loop.systemState().load().trainingRunInProgress() != null) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the built-in model was not running after 3 minutes");
                    }
                    Thread.sleep(200);
                }
                System.out.printf(Locale.ROOT, "trained and running in %.1f s: %s%n", (System.nanoTime() - t) / 1e9,
                        loop.systemState().load().runningModelVersion());
                return measure("builtin", loop, sqs, queueUrl, n, paceRate, 0);
            }
        } finally {
            restore("aws.accessKeyId", oldKey);
            restore("aws.secretAccessKey", oldSecret);
        }
    }

    static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    /** Puts the images, then warm-up, burst and paced phases. */
    static Result measure(String name, ModelLoop loop, ElasticMq sqs, String queueUrl, int n, double paceRate, double ideal)
            throws Exception {
        int warm = Integer.getInteger("bench.warmup", 100);
        int paced = Integer.getInteger("bench.paced", 300);
        long tp = System.nanoTime();
        List<String[]> warmImgs = putImages(loop, name + "-warm", warm);
        List<String[]> burstImgs = putImages(loop, name + "-burst", n);
        List<String[]> pacedImgs = putImages(loop, name + "-paced", paced);
        System.out.printf(Locale.ROOT, "put %d PNGs in %.1f s%n", warm + n + paced, (System.nanoTime() - tp) / 1e9);

        int done = 0;
        Map<String, Instant> sent = new ConcurrentHashMap<>();
        send(sqs, queueUrl, warmImgs, 0, sent);
        done += warm;
        awaitRuns(loop, done, 60);
        System.out.printf(Locale.ROOT, "warm-up: %d detections%n", warm);

        sent.clear();
        long b0 = System.nanoTime();
        send(sqs, queueUrl, burstImgs, 0, sent);
        double sendSeconds = (System.nanoTime() - b0) / 1e9;
        done += n;
        awaitRuns(loop, done, 240);
        System.out.printf(Locale.ROOT, "burst: %d messages sent in %.2f s (%.0f/s), all detected after %.2f s%n", n, sendSeconds,
                n / sendSeconds, (System.nanoTime() - b0) / 1e9);
        List<RunRecord> burstRuns = runsFor(loop, sent, n);
        Map<String, Instant> burstSent = new HashMap<>(sent);

        sent.clear();
        long p0 = System.nanoTime();
        send(sqs, queueUrl, pacedImgs, paceRate, sent);
        double pacedSeconds = (System.nanoTime() - p0) / 1e9;
        done += paced;
        awaitRuns(loop, done, 120);
        List<RunRecord> pacedRuns = runsFor(loop, sent, paced);

        // throughput: completions after the first 5 % of the burst, over the time they took
        long[] ends = burstRuns.stream().mapToLong(r -> micros(r.endedAt())).sorted().toArray();
        int skip = Math.max(1, (int) Math.floor(n * 0.05));
        double seconds = (ends[ends.length - 1] - ends[skip - 1]) / 1e6;
        double rateToEnd = (ends.length - skip) / seconds;
        // the last 5 % drain unevenly (consumers run out of messages one after another): leave them out too
        int last = ends.length - 1 - skip;
        double rate = (last - (skip - 1)) / ((ends[last] - ends[skip - 1]) / 1e6);
        Lat b = latencies(burstRuns, burstSent);
        Lat p = latencies(pacedRuns, sent);
        breakdown("burst", burstRuns);
        breakdown("paced", pacedRuns);
        System.out.printf(Locale.ROOT, "%s: %.1f detections/s between 5 %% and 95 %% of the completions (%.1f/s from 5 %% to the"
                        + " last, %.2f s)%s; burst added p50 %.1f ms;"
                        + " paced (%.1f/s) e2e p50 %.1f ms, added p50 %.1f ms%n", name, rate, rateToEnd, seconds,
                ideal > 0 ? String.format(Locale.ROOT, " (ratio to ideal %.0f/s: %.2f)", ideal, rate / ideal) : "",
                median(b.added), paced / pacedSeconds, median(p.e2e), median(p.added));
        return new Result(name, n, seconds, rate, rateToEnd, ideal, b.e2e, b.added, b.model, b.queued, paced, paced / pacedSeconds,
                p.e2e, p.added, p.model, p.queued);
    }

    record Lat(double[] e2e, double[] added, double[] model, double[] queued) {
    }

    static Lat latencies(List<RunRecord> runs, Map<String, Instant> sent) {
        int k = runs.size();
        double[] e2e = new double[k];
        double[] added = new double[k];
        double[] model = new double[k];
        double[] queued = new double[k];
        for (int i = 0; i < k; i++) {
            RunRecord r = runs.get(i);
            Instant at = sent.get(String.valueOf(r.input().get("key")));
            double m = r.steps().stream().filter(s -> s.name().equals("classify")).findFirst()
                    .map(s -> (micros(s.endedAt()) - micros(s.startedAt())) / 1000.0).orElse(0.0);
            e2e[i] = (micros(r.endedAt()) - micros(at)) / 1000.0;
            model[i] = m;
            added[i] = e2e[i] - m;
            queued[i] = (micros(r.startedAt()) - micros(at)) / 1000.0;
        }
        Arrays.sort(e2e);
        Arrays.sort(added);
        Arrays.sort(model);
        Arrays.sort(queued);
        return new Lat(e2e, added, model, queued);
    }

    /** Median of each part of a detection run: before the first step, each step, between and after them. */
    static void breakdown(String phase, List<RunRecord> runs) {
        Map<String, List<Double>> parts = new LinkedHashMap<>();
        for (RunRecord r : runs) {
            long cursor = micros(r.startedAt());
            String last = "start";
            for (RunRecord.Step st : r.steps()) {
                parts.computeIfAbsent(last + "->" + st.name(), k -> new ArrayList<>()).add((micros(st.startedAt()) - cursor) / 1000.0);
                parts.computeIfAbsent(st.name(), k -> new ArrayList<>()).add((micros(st.endedAt()) - micros(st.startedAt())) / 1000.0);
                cursor = micros(st.endedAt());
                last = st.name();
            }
            parts.computeIfAbsent(last + "->end", k -> new ArrayList<>()).add((micros(r.endedAt()) - cursor) / 1000.0);
            parts.computeIfAbsent("run total", k -> new ArrayList<>()).add((micros(r.endedAt()) - micros(r.startedAt())) / 1000.0);
        }
        StringBuilder b = new StringBuilder("  " + phase + " run breakdown (ms p50/p95):");
        parts.forEach((k, v) -> {
            double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            b.append(String.format(Locale.ROOT, " %s %.1f/%.1f;", k, a[a.length / 2], a[(int) Math.ceil(a.length * 0.95) - 1]));
        });
        System.out.println(b);
    }

    static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    static double median(double[] sorted) {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }

    static String pct(double[] sorted) {
        if (sorted.length == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.0f/%.0f/%.0f", sorted[sorted.length / 2],
                sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.95) - 1)],
                sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)]);
    }

    /** N distinct small PNGs under images_for_detection/; returns {key, etag, size}. */
    static List<String[]> putImages(ModelLoop loop, String prefix, int n) throws Exception {
        String[] kinds = {TrainingImages.CIRCLE, TrainingImages.STRIPES, TrainingImages.CHECKERS};
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String[]>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int idx = i;
                fs.add(pool.submit(() -> {
                    byte[] png = TrainingImages.encode(TrainingImages.draw(kinds[idx % 3], new Random(prefix.hashCode() * 31L + idx)), "png");
                    String key = "images_for_detection/" + prefix + "-" + String.format(Locale.ROOT, "%06d", idx) + ".png";
                    String etag = loop.s3().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(png)).eTag();
                    return new String[] {key, etag.replace("\"", ""), Integer.toString(png.length)};
                }));
            }
            List<String[]> out = new ArrayList<>();
            for (Future<String[]> f : fs) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    static final java.util.concurrent.atomic.AtomicLong SEQUENCER = new java.util.concurrent.atomic.AtomicLong(0x0055AED6DCD90281L);

    static String eventFor(String[] img, Instant at) {
        String rec = S3Events.record("ObjectCreated:Put", BUCKET, img[0], Long.parseLong(img[2]), img[1],
                String.format(Locale.ROOT, "%018X", SEQUENCER.incrementAndGet()));
        return S3Events.event(rec.replace("2026-11-03T12:00:00.000Z", at.toString()));
    }

    /**
     * One message per image. rate 0: as fast as possible (batches of 10 from 4 threads); otherwise
     * one message at a time at that rate. Event time = the instant of sending.
     */
    static void send(ElasticMq sqs, String queueUrl, List<String[]> imgs, double rate, Map<String, Instant> sent) throws Exception {
        if (rate <= 0) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int i = 0; i < imgs.size(); i += 10) {
                    List<String[]> batch = imgs.subList(i, Math.min(imgs.size(), i + 10));
                    fs.add(pool.submit(() -> {
                        Instant at = Instant.now();
                        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                        for (int j = 0; j < batch.size(); j++) {
                            entries.add(SendMessageBatchRequestEntry.builder().id("m" + j).messageBody(eventFor(batch.get(j), at)).build());
                            sent.put(batch.get(j)[0], at);
                        }
                        var r = sqs.client().sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                        if (!r.failed().isEmpty()) {
                            throw new IllegalStateException("send failed: " + r.failed());
                        }
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            return;
        }
        long start = System.nanoTime();
        for (int i = 0; i < imgs.size(); i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            Instant at = Instant.now();
            sent.put(imgs.get(i)[0], at);
            sqs.send(queueUrl, eventFor(imgs.get(i), at));
        }
    }

    /** Waits until this many DETECTION runs ended (succeeded or failed). */
    static void awaitRuns(ModelLoop loop, int expected, int timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        long total = 0;
        while (System.nanoTime() < deadline) {
            total = loop.detectionStore().stats(Instant.EPOCH).total();
            if (total >= expected) {
                return;
            }
            Thread.sleep(250); // the stats query is not free: poll gently (it showed in profiles at 50 ms)
        }
        throw new IllegalStateException("only " + total + " of " + expected + " detections after " + timeoutSeconds + " s");
    }

    /** The DETECTION runs of the keys sent (newest first pages). */
    static List<RunRecord> runsFor(ModelLoop loop, Map<String, Instant> sent, int n) throws InterruptedException {
        Thread.sleep(500); // the run record ends just after the detection record is written
        Map<String, RunRecord> byKey = new LinkedHashMap<>();
        Instant before = null;
        int guard = 0;
        while (byKey.size() < n && guard++ < 1000) {
            List<RunRecord> page = loop.runStore().list("DETECTION", null, before, 500);
            if (page.isEmpty()) {
                break;
            }
            for (RunRecord r : page) {
                String key = String.valueOf(r.input().get("key"));
                if (sent.containsKey(key) && r.status() == RunRecord.RunStatus.SUCCEEDED) {
                    byKey.putIfAbsent(key, r);
                }
            }
            before = page.get(page.size() - 1).startedAt();
        }
        if (byKey.size() < n) {
            System.out.printf(Locale.ROOT, "warning: %d of %d runs found%n", byKey.size(), n);
        }
        return new ArrayList<>(byKey.values());
    }
}
