package io.modelloop.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes Fashion-MNIST as the {@code <label>/<image>.png} folders that {@code modelloop replay}
 * reads: the first {@code bench.train} official training images under {@code <out>/train} and the
 * first {@code bench.test} official test images under {@code <out>/test}. Leaves a complete
 * folder alone, so repeated benchmark runs reuse it.
 */
public final class FashionMnistFolders {

    private FashionMnistFolders() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(System.getProperty("bench.data", "/usr/share/datasets/fashion-mnist"));
        Path out = Path.of(System.getProperty("bench.out", "target/loop-replay/fashion-mnist"));
        int train = Integer.getInteger("bench.train", 4000);
        int test = Integer.getInteger("bench.test", 1000);
        write(FashionMnistBenchmark.read(data, "train"), train, out.resolve("train"));
        write(FashionMnistBenchmark.read(data, "t10k"), test, out.resolve("test"));
    }

    private static void write(FashionMnistBenchmark.Idx idx, int count, Path dir) throws Exception {
        // the marker sits beside the folder: replay reads every entry inside it
        Path done = dir.resolveSibling(dir.getFileName() + ".complete-" + count);
        if (Files.exists(done)) {
            System.out.println(dir + ": " + count + " images already written");
            return;
        }
        int n = Math.min(count, idx.count());
        for (int i = 0; i < n; i++) {
            Path labelDir = dir.resolve(FashionMnistBenchmark.CLASSES[idx.label(i)]);
            Files.createDirectories(labelDir);
            Files.write(labelDir.resolve(String.format("%05d.png", i)), FashionMnistBenchmark.png(idx.image(i)));
        }
        Files.createDirectories(dir);
        Files.createFile(done);
        System.out.println(dir + ": " + n + " images written");
    }
}
