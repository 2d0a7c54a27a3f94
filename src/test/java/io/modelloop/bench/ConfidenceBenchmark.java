package io.modelloop.bench;

import io.modelloop.model.builtin.BuiltinModelBackend;
import io.modelloop.model.Classification;
import io.modelloop.model.GroundTruthManifest;
import io.modelloop.model.ImageRef;
import io.modelloop.model.ModelVersion;
import io.modelloop.model.builtin.BuiltinModelSettings;
import io.modelloop.storage.LocalS3Server;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Does the built-in model's confidence send images unlike the training set to review? Two open-set
 * benchmarks through the real backend (images as PNG in an in-process S3 store, a manifest,
 * createVersion, start, classify), each repeated with different training images and seeds.
 * Side by side from the same trained version: "class probability" (the temperature-scaled
 * softmax, the confidence before familiarity existed) and "confidence" (min of class
 * probability and familiarity); for Fashion-MNIST also plain cosine 1-nearest-neighbour on raw
 * pixels as a baseline. Run by bench/confidence.sh; not part of the test suite.
 *
 * <p>System properties: bench.repeats (3), bench.only (fashion|logos), bench.data.
 */
public final class ConfidenceBenchmark {

    static final String BUCKET = "bench";
    private static final double THRESHOLD = 70;

    private final S3Client s3;
    private final BuiltinModelBackend backend;
    private final Map<String, List<double[]>> figures = new LinkedHashMap<>();

    private final String tag;

    ConfidenceBenchmark(S3Client s3, BuiltinModelBackend backend, String tag) {
        this.s3 = s3;
        this.backend = backend;
        this.tag = tag;
    }

    public static void main(String[] args) throws Exception {
        int repeats = Integer.getInteger("bench.repeats", 3);
        String only = System.getProperty("bench.only", "");
        // scratch: the from-scratch CNN on RGB (the default); ink: the same on ink input; anything else: a backbone
        List<String> configs = List.of(System.getProperty("bench.configs",
                "scratch,ink,src/test/resources/backbones/mobilenet_v2_nsfwjs.onnx").split(","));
        Path work = Files.createTempDirectory("modelloop-confidence");
        BuiltinModelSettings settings = BuiltinModelSettings.defaults(work.resolve("data"));
        System.out.printf(Locale.ROOT, "%s; built-in model: image %d px, %d epochs, batch %d; %d cores, Java %s%n",
                Instant.now(), settings.imageSize(), settings.epochs(), settings.batchSize(),
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        try (LocalS3Server server = new LocalS3Server(work.resolve("s3"), 0).start(BUCKET);
             S3Client s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                     .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create()).build()) {
            for (int rep = 0; rep < repeats; rep++) {
                long seed = 42 + rep;
                for (String config : configs) {
                    BuiltinModelSettings s = settings.withSeed(seed);
                    if (config.equals("ink")) {
                        s = s.withInput(io.modelloop.model.builtin.ImageInput.INK);
                    } else if (!config.equals("scratch")) {
                        s = s.withBackbone(config);
                    }
                    try (BuiltinModelBackend backend = new BuiltinModelBackend(s3, BUCKET, s)) {
                        ConfidenceBenchmark bench = new ConfidenceBenchmark(s3, backend, config.equals("scratch") ? ""
                                : config.equals("ink") ? " [ink input]" : " [" + Path.of(config).getFileName() + "]");
                        if (!only.equals("logos")) {
                            bench.fashion(rep, seed);
                        }
                        if (!only.equals("fashion")) {
                            bench.logos(rep, seed);
                        }
                        bench.figures.forEach((k, v) -> ALL.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
                    }
                }
            }
        }
        System.out.println();
        System.out.println("Summary over " + repeats + " repeats: median [min - max]");
        ALL.forEach((name, rows) -> System.out.println(summary(name, rows)));
    }

    private static final Map<String, List<double[]>> ALL = new LinkedHashMap<>();

    // ------------------------------------------------------------------ Fashion-MNIST open set

    void fashion(int rep, long seed) throws Exception {
        Path data = Path.of(System.getProperty("bench.data", "/usr/share/datasets/fashion-mnist"));
        FashionMnistBenchmark.Idx train = FashionMnistBenchmark.read(data, "train");
        FashionMnistBenchmark.Idx test = FashionMnistBenchmark.read(data, "t10k");
        String version = "fashion-open-" + rep + (tag.isEmpty() ? "" : tag.contains("ink") ? "-ink" : "-backbone");
        List<GroundTruthManifest.Entry> entries = new ArrayList<>();
        List<float[]> trainPixels = new ArrayList<>();
        int[] taken = new int[5];
        int skip = rep * 20; // each repeat trains on other images
        int[] seen = new int[5];
        for (int i = 0; i < train.count() && entries.size() < 100; i++) {
            int c = train.label(i);
            if (c >= 5 || seen[c]++ < skip || taken[c] >= 20) {
                continue;
            }
            taken[c]++;
            String key = "images_labeled_by_folder/" + FashionMnistBenchmark.CLASSES[c] + "/" + version + "-" + i + ".png";
            put(key, FashionMnistBenchmark.png(train.image(i)));
            entries.add(new GroundTruthManifest.Entry(BUCKET, key, FashionMnistBenchmark.CLASSES[c]));
            trainPixels.add(gray(train.image(i)));
        }
        List<String> keys = new ArrayList<>();
        List<Integer> truth = new ArrayList<>();
        int[] perClass = new int[10];
        for (int i = 0; i < test.count() && keys.size() < 400; i++) {
            int c = test.label(i);
            if (perClass[c]++ < 40) {
                String key = "images_for_detection/fashion-" + i + ".png";
                put(key, FashionMnistBenchmark.png(test.image(i)));
                keys.add(key);
                truth.add(c);
            }
        }
        Run run = trainAndClassify(version, entries, keys);
        int n = keys.size();
        boolean[] known = new boolean[n];
        boolean[] correct = new boolean[n];
        double[] pixel = new double[n];
        int right = 0;
        for (int i = 0; i < n; i++) {
            int c = truth.get(i);
            known[i] = c < 5;
            correct[i] = known[i] && FashionMnistBenchmark.CLASSES[c].equals(run.results.get(i).label());
            right += correct[i] ? 1 : 0;
            pixel[i] = 100 * nearest(gray(test.image(indexOf(test, keys.get(i)))), trainPixels);
        }
        double accuracy = right / 200.0;
        record("Fashion-MNIST", "class probability (before)", OpenSetMetrics.of(run.classProbability(), known, correct, THRESHOLD), accuracy, run);
        record("Fashion-MNIST", "confidence (novelty-aware)", OpenSetMetrics.of(run.confidence(), known, correct, THRESHOLD), accuracy, run);
        OpenSetMetrics px = OpenSetMetrics.of(pixel, known, correct, THRESHOLD);
        System.out.printf(Locale.ROOT, "  Fashion-MNIST repeat %d: pixel cosine 1-NN baseline: AUROC %.3f, unknown caught when 10%% of known are: %.0f%%%n",
                rep, px.auroc(), 100 * px.caughtAt10());
        figures.computeIfAbsent("Fashion-MNIST" + tag + " | pixel cosine 1-NN (baseline)", k -> new ArrayList<>())
                .add(new double[] {px.auroc(), Double.NaN, Double.NaN, Double.NaN, px.caughtAt10(), Double.NaN, Double.NaN, Double.NaN});
    }

    private static int indexOf(FashionMnistBenchmark.Idx test, String key) {
        return Integer.parseInt(key.substring(key.lastIndexOf('-') + 1, key.length() - 4));
    }

    // ------------------------------------------------------------------ logos

    void logos(int rep, long seed) throws Exception {
        Random r = new Random(1000 + rep);
        String version = "logos-" + rep + (tag.isEmpty() ? "" : tag.contains("ink") ? "-ink" : "-backbone");
        List<GroundTruthManifest.Entry> entries = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            LogoImages.Brand brand = LogoImages.BRANDS.get(b);
            for (int i = 0; i < 5; i++) {
                String key = "images_labeled_by_folder/" + brand.word() + "/" + version + "-" + i + ".png";
                put(key, FashionMnistBenchmark.png(LogoImages.draw(brand, r)));
                entries.add(new GroundTruthManifest.Entry(BUCKET, key, brand.word()));
            }
        }
        List<String> keys = new ArrayList<>();
        List<String> truth = new ArrayList<>();
        for (int b = 0; b < LogoImages.BRANDS.size(); b++) {
            LogoImages.Brand brand = LogoImages.BRANDS.get(b);
            int count = b < 2 ? 30 : 20;
            for (int i = 0; i < count; i++) {
                // known brands: two thirds new typical images, one third small on a white canvas
                BufferedImage img = b < 2 && i % 3 == 2 ? LogoImages.smallOnWhite(brand, r) : LogoImages.draw(brand, r);
                String key = "images_for_detection/" + version + "-" + brand.word() + "-" + i + ".png";
                put(key, FashionMnistBenchmark.png(img));
                keys.add(key);
                truth.add(brand.word());
            }
        }
        Run run = trainAndClassify(version, entries, keys);
        int n = keys.size();
        boolean[] known = new boolean[n];
        boolean[] correct = new boolean[n];
        int right = 0;
        int knownN = 0;
        for (int i = 0; i < n; i++) {
            known[i] = truth.get(i).equals("NOVA") || truth.get(i).equals("KITE");
            correct[i] = known[i] && truth.get(i).equals(run.results.get(i).label());
            right += correct[i] ? 1 : 0;
            knownN += known[i] ? 1 : 0;
        }
        double accuracy = (double) right / knownN;
        record("Logos", "class probability (before)", OpenSetMetrics.of(run.classProbability(), known, correct, THRESHOLD), accuracy, run,
                knownRightAbove(run.classProbability(), known, correct));
        record("Logos", "confidence (novelty-aware)", OpenSetMetrics.of(run.confidence(), known, correct, THRESHOLD), accuracy, run,
                knownRightAbove(run.confidence(), known, correct));
    }

    private static double knownRightAbove(double[] confidence, boolean[] known, boolean[] correct) {
        int n = 0;
        int ok = 0;
        for (int i = 0; i < confidence.length; i++) {
            if (known[i]) {
                n++;
                ok += correct[i] && confidence[i] >= THRESHOLD ? 1 : 0;
            }
        }
        return (double) ok / n;
    }

    // ------------------------------------------------------------------ common

    record Run(List<Classification> results, double trainSeconds, double p50Millis) {
        double[] confidence() {
            return results.stream().mapToDouble(Classification::confidence).toArray();
        }

        double[] classProbability() {
            return results.stream().mapToDouble(c -> c.parts() == null ? c.confidence() : c.parts().classProbability()).toArray();
        }
    }

    Run trainAndClassify(String version, List<GroundTruthManifest.Entry> entries, List<String> keys) throws Exception {
        BenchTraining.Trained trained = BenchTraining.trainAndStart(s3, BUCKET, backend, version, entries);
        ModelVersion v = trained.version();
        double trainSeconds = trained.trainSeconds();
        List<Classification> results = new ArrayList<>();
        long[] nanos = new long[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            long s = System.nanoTime();
            results.add(backend.classify(version, new ImageRef(BUCKET, keys.get(i))));
            nanos[i] = System.nanoTime() - s;
        }
        Arrays.sort(nanos);
        backend.stop(version);
        System.out.printf(Locale.ROOT, "  %s: %d images trained in %.1f s; calibration %s%n", version, entries.size(),
                trainSeconds, v.calibration());
        return new Run(results, trainSeconds, nanos[nanos.length / 2] / 1e6);
    }

    private void record(String set, String method, OpenSetMetrics m, double accuracy, Run run) {
        record(set, method, m, accuracy, run, Double.NaN);
    }

    private void record(String set, String method, OpenSetMetrics m, double accuracy, Run run, double knownRightAbove) {
        System.out.printf(Locale.ROOT, "  %s%s | %s: known accuracy %.3f, AUROC %.3f, unknown below 70: %.0f%%, known below 70: "
                        + "%.0f%%, ECE %.3f%s; training %.1f s, classify p50 %.1f ms%n", set, tag, method, accuracy, m.auroc(),
                100 * m.unknownBelow(), 100 * m.knownBelow(), m.ece(),
                Double.isNaN(knownRightAbove) ? "" : String.format(Locale.ROOT, ", known right at >= 70: %.0f%%", 100 * knownRightAbove),
                run.trainSeconds(), run.p50Millis());
        figures.computeIfAbsent(set + tag + " | " + method, k -> new ArrayList<>()).add(new double[] {m.auroc(), m.unknownBelow(),
                m.knownBelow(), m.ece(), m.caughtAt10(), accuracy, knownRightAbove, run.trainSeconds(), run.p50Millis()});
    }

    private static String summary(String name, List<double[]> rows) {
        String[] labels = {"AUROC", "unknown<70", "known<70", "ECE", "caught@10%known", "known accuracy", "known right>=70",
                "training s", "classify p50 ms"};
        StringBuilder s = new StringBuilder(name).append(':');
        for (int j = 0; j < labels.length; j++) {
            int col = j;
            double[] v = rows.stream().filter(r -> r.length > col).mapToDouble(r -> r[col]).filter(x -> !Double.isNaN(x))
                    .sorted().toArray();
            if (v.length == 0) {
                continue;
            }
            s.append(String.format(Locale.ROOT, " %s %.3f [%.3f - %.3f];", labels[j], v[v.length / 2], v[0], v[v.length - 1]));
        }
        return s.toString();
    }

    private static float[] gray(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = (img.getRGB(x, y) & 0xFF) / 255f;
            }
        }
        return out;
    }

    private static double nearest(float[] x, List<float[]> refs) {
        double best = -1;
        for (float[] r : refs) {
            double ab = 0;
            double aa = 0;
            double bb = 0;
            for (int i = 0; i < x.length; i++) {
                ab += x[i] * r[i];
                aa += x[i] * x[i];
                bb += r[i] * r[i];
            }
            best = Math.max(best, ab / Math.sqrt(aa * bb + 1e-12));
        }
        return best;
    }

    private void put(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
    }
}
