package io.modelloop.bench;

import ai.djl.ndarray.types.Shape;
import io.modelloop.model.builtin.Architecture;
import io.modelloop.model.builtin.ImageDecoder;
import io.modelloop.model.builtin.NetworkTrainer;
import io.modelloop.model.builtin.Normalisation;
import io.modelloop.model.builtin.Sample;
import io.modelloop.model.builtin.StratifiedSplit;
import io.modelloop.model.builtin.TemperatureScaling;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Scratch: compares novelty scores on Fashion-MNIST open set without the backend. */
public final class OpenSetLab {

    public static void main(String[] args) throws Exception {
        int perClass = Integer.getInteger("lab.perClass", 20);
        int size = Integer.getInteger("lab.size", 28);
        int epochs = Integer.getInteger("lab.epochs", 30);
        long seed = Long.getLong("lab.seed", 42);
        FashionMnistBenchmark.Idx train = FashionMnistBenchmark.read(Path.of("/usr/share/datasets/fashion-mnist"), "train");
        FashionMnistBenchmark.Idx test = FashionMnistBenchmark.read(Path.of("/usr/share/datasets/fashion-mnist"), "t10k");
        List<Sample> samples = new ArrayList<>();
        int[] taken = new int[10];
        for (int i = 0; i < train.count(); i++) {
            int c = train.label(i);
            if (c < 5 && taken[c] < perClass) {
                taken[c]++;
                samples.add(new Sample("t" + i, c, ImageDecoder.pixels(ImageDecoder.resize(train.image(i), size), Normalisation.CENTRED)));
            }
        }
        List<float[]> testX = new ArrayList<>();
        List<Integer> testY = new ArrayList<>();
        int[] tt = new int[10];
        for (int i = 0; i < test.count(); i++) {
            int c = test.label(i);
            if (tt[c] < 40) {
                tt[c]++;
                testX.add(ImageDecoder.pixels(ImageDecoder.resize(test.image(i), size), Normalisation.CENTRED));
                testY.add(c);
            }
        }
        StratifiedSplit.Split split = StratifiedSplit.split(samples, 5, 0.2, seed);
        List<float[]> trX = split.train().stream().map(Sample::pixels).toList();
        int[] trY = split.train().stream().mapToInt(Sample::label).toArray();
        List<float[]> hoX = split.test().stream().map(Sample::pixels).toList();
        int[] hoY = split.test().stream().mapToInt(Sample::label).toArray();
        long t0 = System.nanoTime();
        try (NetworkTrainer.TrainedNetwork net = NetworkTrainer.train(Architecture.cnnFor(size).newBlock(5),
                new Shape(3, size, size), trX, trY, new NetworkTrainer.Options(epochs, 32, 0.002, seed, true),
                (e, n, l) -> { }, () -> false)) {
            System.out.printf("trained in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            float[][] hoLogits = net.logits(hoX);
            double t = TemperatureScaling.fit(hoLogits, hoY);
            float[][] logits = net.logits(testX);
            float[][] feats = net.features(testX);
            float[][] trFeats = net.features(trX);
            int n = testX.size();
            boolean[] known = new boolean[n];
            int correct = 0;
            int knownN = 0;
            int[] pred = new int[n];
            double[] softmax = new double[n];
            double[] energy = new double[n];
            for (int i = 0; i < n; i++) {
                known[i] = testY.get(i) < 5;
                double[] p = TemperatureScaling.softmax(logits[i], t);
                int arg = 0;
                for (int c = 1; c < p.length; c++) {
                    if (p[c] > p[arg]) {
                        arg = c;
                    }
                }
                pred[i] = arg;
                softmax[i] = p[arg];
                double m = Double.NEGATIVE_INFINITY;
                for (float l : logits[i]) {
                    m = Math.max(m, l);
                }
                double s = 0;
                for (float l : logits[i]) {
                    s += Math.exp(l - m);
                }
                energy[i] = m + Math.log(s);
                if (known[i]) {
                    knownN++;
                    if (arg == testY.get(i)) {
                        correct++;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "known accuracy %.3f, T=%.2f%n", (double) correct / knownN, t);
            report("softmax (today)", softmax, known);
            report("energy", energy, known);
            List<float[]> allTrain = samples.stream().map(Sample::pixels).toList();
            int[] allY = samples.stream().mapToInt(Sample::label).toArray();
            float[][] pixTrain = gray(allTrain);
            float[][] pixTest = gray(testX);
            report("pixel 1-NN cosine (baseline)", knn(pixTest, pixTrain, 1, null, null), known);
            report("pixel 1-NN cond.", knn(pixTest, pixTrain, 1, allY, pred), known);
            float[][] inkTrain = ink(allTrain);
            float[][] inkTest = ink(testX);
            report("ink 1-NN", knn(inkTest, inkTrain, 1, null, null), known);
            int[] trYarr = trY;
            report("cnn 1-NN", knn(feats, trFeats, 1, null, null), known);
            report("cnn 1-NN cond.", knn(feats, trFeats, 1, trYarr, pred), known);
            report("cnn 3-NN", knn(feats, trFeats, 3, null, null), known);
            float[][] cFeatTr = centre(trFeats, trFeats);
            float[][] cFeat = centre(feats, trFeats);
            report("cnn centred 1-NN", knn(cFeat, cFeatTr, 1, null, null), known);
            float[][] mf = net.features(testX);
            float[][] mfTr = net.features(trX);
            report("cnn multi-layer 1-NN", knn(mf, mfTr, 1, null, null), known);
            byClass("cnn 1-NN", knn(feats, trFeats, 1, null, null), known, testY);
            byClass("cnn multi-layer 1-NN", knn(mf, mfTr, 1, null, null), known, testY);
            int below = 0;
            for (int i = 0; i < n; i++) {
                if (known[i] && softmax[i] < 0.7) {
                    below++;
                }
            }
            System.out.printf(Locale.ROOT, "known with class probability < 70: %.0f%%%n", 100.0 * below / knownN);
            double[] pix = knn(pixTest, pixTrain, 1, null, null);
            double[] cnn = knn(feats, trFeats, 1, null, null);
            report("rank avg pixel+cnn", rankAvg(pix, cnn), known);
            report("rank avg pixel+cnn+softmax", rankAvg(rankAvg(pix, cnn), softmax), known);
            report("min(pix,softmax) ranks", rankMin(pix, softmax), known);
        }
    }

    static float[][] centre(float[][] x, float[][] ref) {
        int d = ref[0].length;
        double[] mean = new double[d];
        for (float[] r : ref) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j] / ref.length;
            }
        }
        float[][] out = new float[x.length][d];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = (float) (x[i][j] - mean[j]);
            }
        }
        return out;
    }

    static double[] rankAvg(double[] a, double[] b) {
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = ra[i] + rb[i];
        }
        return o;
    }

    static double[] rankMin(double[] a, double[] b) {
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = Math.min(ra[i], rb[i]);
        }
        return o;
    }

    static double[] ranks(double[] a) {
        Integer[] idx = new Integer[a.length];
        for (int i = 0; i < a.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> Double.compare(a[x], a[y]));
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[idx[i]] = (double) i / a.length;
        }
        return r;
    }

    static float[][] gray(List<float[]> px) {
        float[][] out = new float[px.size()][];
        for (int i = 0; i < px.size(); i++) {
            float[] p = px.get(i);
            int plane = p.length / 3;
            float[] g = new float[plane];
            for (int j = 0; j < plane; j++) {
                g[j] = ((p[j] + p[plane + j] + p[2 * plane + j]) / 3 + 1) / 2;
            }
            out[i] = g;
        }
        return out;
    }

    static float[][] ink(List<float[]> px) {
        float[][] g = gray(px);
        for (float[] r : g) {
            int side = (int) Math.sqrt(r.length);
            double border = 0;
            int nb = 0;
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    if (x == 0 || y == 0 || x == side - 1 || y == side - 1) {
                        border += r[y * side + x];
                        nb++;
                    }
                }
            }
            float b = (float) (border / nb);
            for (int j = 0; j < r.length; j++) {
                r[j] = Math.abs(r[j] - b);
            }
        }
        return g;
    }

    /** Similarity to the k-th nearest reference (cosine); conditional on the predicted label when given. */
    static double[] knn(float[][] x, float[][] ref, int k, int[] refY, int[] pred) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            List<Double> sims = new ArrayList<>();
            for (int j = 0; j < ref.length; j++) {
                if (refY != null && refY[j] != pred[i]) {
                    continue;
                }
                sims.add(cos(x[i], ref[j]));
            }
            sims.sort((a, b) -> Double.compare(b, a));
            out[i] = sims.get(Math.min(k, sims.size()) - 1);
        }
        return out;
    }

    static double cos(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb + 1e-12);
    }

    static void byClass(String name, double[] score, boolean[] known, List<Integer> y) {
        List<Double> ks = new ArrayList<>();
        for (int i = 0; i < score.length; i++) {
            if (known[i]) {
                ks.add(score[i]);
            }
        }
        ks.sort(null);
        double t10 = ks.get((int) (ks.size() * 0.10));
        StringBuilder sb = new StringBuilder(name + " caught per class at 10%:");
        for (int c = 0; c < 10; c++) {
            int caught = 0;
            int all = 0;
            for (int i = 0; i < score.length; i++) {
                if (y.get(i) == c) {
                    all++;
                    caught += score[i] < t10 ? 1 : 0;
                }
            }
            sb.append(' ').append(c).append('=').append(caught).append('/').append(all);
        }
        System.out.println(sb);
    }

    /** AUROC (known higher) and unknown caught when 10% / 5% of known are flagged. */
    static void report(String name, double[] score, boolean[] known) {
        List<Double> k = new ArrayList<>();
        List<Double> u = new ArrayList<>();
        for (int i = 0; i < score.length; i++) {
            (known[i] ? k : u).add(score[i]);
        }
        double auc = 0;
        for (double a : k) {
            for (double b : u) {
                auc += a > b ? 1 : a == b ? 0.5 : 0;
            }
        }
        auc /= (double) k.size() * u.size();
        List<Double> ks = new ArrayList<>(k);
        ks.sort(null);
        double t10 = ks.get((int) (ks.size() * 0.10));
        double t5 = ks.get((int) (ks.size() * 0.05));
        long c10 = u.stream().filter(v -> v < t10).count();
        long c5 = u.stream().filter(v -> v < t5).count();
        System.out.printf(Locale.ROOT, "%-32s AUROC %.3f  unknown caught at 10%% known: %.0f%%, at 5%%: %.0f%%%n", name, auc,
                100.0 * c10 / u.size(), 100.0 * c5 / u.size());
    }
}
