package io.modelloop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelloop.ModelLoop;
import io.modelloop.config.Json;
import io.modelloop.model.TrainingImages;
import io.modelloop.runs.RunRecord;
import io.modelloop.testing.Fixture;
import io.modelloop.training.TrainingPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * "Deploy at once" (README, Benchmarks): how long from the moment the built-in model finishes a
 * training to the moment the new version serves detections, in the local profile (its
 * training-progress poll, 5 s, left as it is).
 *
 * <p>One ModelLoop in this JVM (S3Proxy, H2, the built-in DJL model). Each repetition puts ten new
 * labelled images (two labels), runs a training check, and waits until the run has ended. Then:
 * <ul>
 *   <li>training complete = the version's {@code trainingEndedAt} in models/&lt;version&gt;/model.json
 *       (written by the backend as the training ends, before its final status);</li>
 *   <li>serving = the TRAINING_RUN record's end (after the F1 gate, the challenger gate from the
 *       second repetition on, the start, the wait for RUNNING, the switch and the stop of the
 *       previous version).</li>
 * </ul>
 * Minimum-F1-Score is set to 0 and modelloop.training.challenger-tolerance to 1 so every candidate
 * deploys (the gates still run, the challenger gate still classifies the held-out images).
 *
 * <p>Scenarios (deploy.scenarios, default builtin): {@code builtin} as shipped;
 * {@code builtin-poll} with the route training-progress-now stopped, so only the poll moves the
 * run along (what it was before). Run by bench/deploy.sh. System properties: deploy.reps (5),
 * deploy.epochs (5), deploy.images (10 per repetition), deploy.extra (k=v,k=v settings).
 */
public final class DeployLatencyBenchmark {

    static final String BUCKET = "bucket";
    static final List<String> LABELS = List.of(TrainingImages.CIRCLE, TrainingImages.CHECKERS);

    public static void main(String[] args) throws Exception {
        List<String> scenarios = Arrays.asList(System.getProperty("deploy.scenarios", "builtin").split(","));
        int reps = Integer.getInteger("deploy.reps", 5);
        System.out.printf(Locale.ROOT, "%d cores, %s, max heap %d MB%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + Runtime.version(), Runtime.getRuntime().maxMemory() >> 20);
        Map<String, double[]> results = new LinkedHashMap<>();
        for (String scenario : scenarios) {
            results.put(scenario.trim(), run(scenario.trim(), reps));
        }
        for (Map.Entry<String, double[]> e : results.entrySet()) {
            double[] v = e.getValue();
            if (v.length == 0) {
                System.out.printf(Locale.ROOT, "SUMMARY scenario=%s metric=complete-to-serving no successful repetition%n", e.getKey());
                continue;
            }
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "SUMMARY scenario=%s metric=complete-to-serving n=%d median=%.3f min=%.3f max=%.3f unit=s%n",
                    e.getKey(), v.length, median(sorted), sorted[0], sorted[sorted.length - 1]);
        }
        System.exit(0);
    }

    static double[] run(String scenario, int reps) throws Exception {
        Path data = Files.createTempDirectory("bench-deploy-");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("modelloop.builtin.epochs", Integer.toString(Integer.getInteger("deploy.epochs", 5)));
        settings.put("modelloop.training.challenger-tolerance", "1");
        for (String kv : System.getProperty("deploy.extra", "").split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                settings.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        int perRep = Integer.getInteger("deploy.images", 10);
        List<Double> values = new ArrayList<>();
        try (ModelLoop loop = Fixture.startLocal(data, settings)) {
            System.out.printf(Locale.ROOT, "scenario=%s: training-progress poll every %s ms, %s epochs, %d new images per repetition%n",
                    scenario, loop.settings().get("modelloop.training.poll-interval-ms"),
                    loop.settings().get("modelloop.builtin.epochs"), perRep);
            loop.parameters().set("Minimum-F1-Score", "0");
            if (scenario.equals("builtin-poll")) {
                loop.camel().getRouteController().stopRoute("training-progress-now");
            } else if (!scenario.equals("builtin")) {
                throw new IllegalArgumentException("unknown scenario " + scenario + " (builtin, builtin-poll)");
            }
            Random random = new Random(11);
            for (int rep = 1; rep <= reps; rep++) {
                for (int i = 0; i < perRep; i++) {
                    String label = LABELS.get(i % LABELS.size());
                    byte[] png = TrainingImages.encode(TrainingImages.draw(label, random), "png");
                    String key = "images_labeled_by_folder/" + label + "/rep" + rep + "-" + i + ".png";
                    loop.s3().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(png));
                }
                long t0 = System.nanoTime();
                RunRecord check = loop.trainingPipeline().check("bench");
                Object runId = check.output() == null ? null : check.output().get("trainingRun");
                if (runId == null) {
                    System.out.printf(Locale.ROOT, "rep %d: no training started: %s%n", rep, check.output());
                    continue;
                }
                String version = String.valueOf(check.output().get("version"));
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                RunRecord run = loop.runStore().get(runId.toString()).orElseThrow();
                // the run in progress is cleared just before its record is ended
                while ((run.status() == RunRecord.RunStatus.RUNNING || loop.systemState().load().trainingRunInProgress() != null)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    run = loop.runStore().get(runId.toString()).orElseThrow();
                }
                double total = (System.nanoTime() - t0) / 1e9;
                if (run.status() != RunRecord.RunStatus.SUCCEEDED || !version.equals(loop.systemState().load().runningModelVersion())) {
                    System.out.printf(Locale.ROOT, "rep %d: version %s not serving: run %s %s%n", rep, version, run.status(), run.error());
                    continue;
                }
                Instant trained = trainingEndedAt(loop, version);
                double value = seconds(trained, run.endedAt());
                values.add(value);
                System.out.printf(Locale.ROOT, "RESULT scenario=%s metric=complete-to-serving value=%.3f unit=s%n", scenario, value);
                System.out.printf(Locale.ROOT, "  rep %d: %s, check to serving %.1f s; after training complete: f1-gate +%.3f s,"
                                + " start-version +%.3f s, wait-running +%.3f s, run end +%.3f s%n", rep, version, total,
                        seconds(trained, stepEnd(run, TrainingPipeline.F1_GATE)), seconds(trained, stepEnd(run, "start-version")),
                        seconds(trained, stepEnd(run, "wait-running")), value);
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static Instant trainingEndedAt(ModelLoop loop, String version) throws Exception {
        byte[] json = loop.s3().getObjectAsBytes(b -> b.bucket(BUCKET).key("models/" + version + "/model.json")).asByteArray();
        JsonNode record = Json.MAPPER.readTree(json);
        return Instant.parse(record.path("trainingEndedAt").asText());
    }

    static Instant stepEnd(RunRecord run, String step) {
        return run.steps().stream().filter(s -> s.name().equals(step)).map(RunRecord.Step::endedAt)
                .reduce((a, b) -> b).orElse(null);
    }

    static double seconds(Instant from, Instant to) {
        return to == null ? Double.NaN : Duration.between(from, to).toNanos() / 1e9;
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
