package io.modelloop.bench;

import io.modelloop.model.builtin.BuiltinModelBackend;
import io.modelloop.model.Classification;
import io.modelloop.model.GroundTruthManifest;
import io.modelloop.model.ImageRef;
import io.modelloop.model.ModelStatus;
import io.modelloop.model.ModelVersion;
import io.modelloop.model.builtin.BackboneOptions;
import io.modelloop.model.builtin.BuiltinModelSettings;
import io.modelloop.model.builtin.Evaluation;
import io.modelloop.model.builtin.Normalisation;
import io.modelloop.storage.LocalS3Server;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The built-in model on Fashion-MNIST (Debian's dataset-fashion-mnist), through the real
 * backend: images written as PNG into an in-process S3 store, a Ground Truth manifest,
 * createVersion, start, and classify() on 1000 images of the official test set.
 * Run by bench/builtin-model.sh; not part of the test suite.
 *
 * <p>System properties: bench.perClass (e.g. "10,50,100"), bench.test (1000), bench.epochs,
 * bench.batch, bench.lr, bench.imageSize (28), bench.data (/usr/share/datasets/fashion-mnist),
 * bench.backbone (a backbone file or URL, e.g. src/test/resources/backbones/mobilenet_v2_nsfwjs.onnx),
 * bench.backboneNormalisation (imagenet, minus-one-to-one, zero-to-one; default: what the file declares).
 */
public final class FashionMnistBenchmark {

    static final String[] CLASSES = {"T-shirt-top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle-boot"};
    static final String BUCKET = "bench";

    record Idx(int count, int rows, int cols, byte[] pixels, byte[] labels) {
        BufferedImage image(int i) {
            BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, cols, rows, Arrays.copyOfRange(pixels, i * rows * cols, (i + 1) * rows * cols));
            return img;
        }

        int label(int i) {
            return labels[i] & 0xFF;
        }
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(System.getProperty("bench.data", "/usr/share/datasets/fashion-mnist"));
        int[] perClass = Arrays.stream(System.getProperty("bench.perClass", "10,50,100").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        int testCount = Integer.getInteger("bench.test", 1000);
        Path work = Files.createTempDirectory("modelloop-bench");
        BuiltinModelSettings settings = BuiltinModelSettings.defaults(work.resolve("data"))
                .withImageSize(Integer.getInteger("bench.imageSize", 28))
                .withEpochs(Integer.getInteger("bench.epochs", 30))
                .withBatchSize(Integer.getInteger("bench.batch", 32))
                .withLearningRate(Double.parseDouble(System.getProperty("bench.lr", "0.002")))
                .withBackbone(System.getProperty("bench.backbone"))
                .withBackboneOptions(new BackboneOptions(null, System.getProperty("bench.backboneNormalisation", "").isBlank()
                        ? null : Normalisation.named(System.getProperty("bench.backboneNormalisation")), true));

        Idx train = read(data, "train");
        Idx test = read(data, "t10k");
        System.out.printf(Locale.ROOT, "Fashion-MNIST: %d training, %d test images (%dx%d); settings: image %d px, %d epochs, "
                        + "batch %d, lr %s, test fraction %s, seed %d; %d cores, %s%n", train.count(), test.count(),
                train.rows(), train.cols(), settings.imageSize(), settings.epochs(), settings.batchSize(),
                settings.learningRate(), settings.testFraction(), settings.seed(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " " + Runtime.version());

        try (LocalS3Server server = new LocalS3Server(work.resolve("s3"), 0).start(BUCKET);
             S3Client s3 = S3Client.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                     .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create()).build();
             BuiltinModelBackend backend = new BuiltinModelBackend(s3, BUCKET, settings)) {

            // the test images: the first testCount of the official test set
            List<String> testKeys = new ArrayList<>();
            int[] truth = new int[testCount];
            for (int i = 0; i < testCount; i++) {
                String key = "images_for_detection/test-" + i + ".png";
                put(s3, key, png(test.image(i)));
                testKeys.add(key);
                truth[i] = test.label(i);
            }

            List<String> rows = new ArrayList<>();
            for (int n : perClass) {
                List<GroundTruthManifest.Entry> entries = new ArrayList<>();
                int[] taken = new int[CLASSES.length];
                for (int i = 0; i < train.count() && entries.size() < n * CLASSES.length; i++) {
                    int c = train.label(i);
                    if (taken[c] < n) {
                        taken[c]++;
                        String key = "images_labeled_by_folder/" + CLASSES[c] + "/train-" + i + ".png";
                        put(s3, key, png(train.image(i)));
                        entries.add(new GroundTruthManifest.Entry(BUCKET, key, CLASSES[c]));
                    }
                }
                String version = "bench-" + n + "-per-class";
                BenchTraining.Trained trained = BenchTraining.trainAndStart(s3, BUCKET, backend, version, entries);
                ModelVersion v = trained.version();
                double trainSeconds = trained.trainSeconds();
                for (int i = 0; i < 50; i++) {
                    backend.classify(version, new ImageRef(BUCKET, testKeys.get(i)));
                }
                long[] nanos = new long[testCount];
                int[] predicted = new int[testCount];
                double confidenceSum = 0;
                int confidentRight = 0;
                int confident = 0;
                for (int i = 0; i < testCount; i++) {
                    long s = System.nanoTime();
                    Classification c = backend.classify(version, new ImageRef(BUCKET, testKeys.get(i)));
                    nanos[i] = System.nanoTime() - s;
                    predicted[i] = Arrays.asList(CLASSES).indexOf(c.label());
                    confidenceSum += c.confidence();
                    if (c.confidence() >= 70) {
                        confident++;
                        if (predicted[i] == truth[i]) {
                            confidentRight++;
                        }
                    }
                }
                Evaluation e = Evaluation.of(Arrays.asList(CLASSES), truth, predicted);
                Arrays.sort(nanos);
                double p50 = nanos[testCount / 2] / 1e6;
                double p95 = nanos[(int) Math.ceil(testCount * 0.95) - 1] / 1e6;
                String row = String.format(Locale.ROOT,
                        "%4d/class | %4d train + %3d held out | held-out F1 %.3f | test macro-F1 %.3f (accuracy %.3f) on %d | "
                                + "training %.1f s | classify p50 %.2f ms, p95 %.2f ms | mean confidence %.1f vs accuracy %.1f%%;"
                                + " >=70: %d images, %.1f%% right",
                        n, v.trainingImages(), v.testImages(), v.f1() == null ? Double.NaN : v.f1(), e.macroF1(),
                        e.accuracy(), testCount, trainSeconds, p50, p95, confidenceSum / testCount, e.accuracy() * 100,
                        confident, confident == 0 ? 0 : 100.0 * confidentRight / confident);
                System.out.println(row);
                rows.add(row);
                backend.stop(version);
                while (backend.describe(version).status() != ModelStatus.STOPPED) {
                    Thread.sleep(20);
                }
            }
            System.out.println();
            System.out.println("Summary");
            rows.forEach(System.out::println);
        }
    }

    static Idx read(Path dir, String prefix) throws IOException {
        byte[] images = gunzip(dir.resolve(prefix + "-images-idx3-ubyte.gz"));
        byte[] labels = gunzip(dir.resolve(prefix + "-labels-idx1-ubyte.gz"));
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(images))) {
            if (in.readInt() != 2051) {
                throw new IOException(prefix + " images: not an IDX image file");
            }
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            byte[] pixels = Arrays.copyOfRange(images, 16, 16 + count * rows * cols);
            if (((labels[0] & 0xFF) << 24 | (labels[1] & 0xFF) << 16 | (labels[2] & 0xFF) << 8 | (labels[3] & 0xFF)) != 2049) {
                throw new IOException(prefix + " labels: not an IDX label file");
            }
            return new Idx(count, rows, cols, pixels, Arrays.copyOfRange(labels, 8, 8 + count));
        }
    }

    static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    static void put(S3Client s3, String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }
}
