package io.modelloop.replay;

import io.modelloop.model.Classification;
import io.modelloop.model.ImageRef;
import io.modelloop.model.ModelBackend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Scores a serving version on the fixed held-out test set with the model backend itself: macro-F1
 * over every label of the test set (a label the version does not know scores 0, so discovering
 * labels shows in the curve) and accuracy.
 */
public final class Evaluator {

    /** What the test set says about one version. */
    public record Score(double macroF1, double accuracy, List<String> knownLabels,
                        Map<String, Map<String, Integer>> confusion) {
    }

    public static final String NONE = "(none)";

    private final ModelBackend backend;
    private final String bucket;
    private final List<String> testLabels;
    private final List<String[]> images; // key, true label

    /** @param images test images already in the bucket: key and true label */
    public Evaluator(ModelBackend backend, String bucket, List<String[]> images) {
        this.backend = backend;
        this.bucket = bucket;
        this.images = List.copyOf(images);
        this.testLabels = List.copyOf(new TreeSet<>(images.stream().map(i -> i[1]).toList()));
    }

    /**
     * Scores the version on every test image; classifications run on a few threads (the backend
     * keeps a predictor pool per version), the counts are made afterwards in test-set order.
     */
    public Score score(String version) {
        Map<String, Map<String, Integer>> confusion = new TreeMap<>();
        TreeSet<String> known = new TreeSet<>();
        List<String[]> pairs = new ArrayList<>();
        List<Classification> results = version == null ? null : classifyAll(version);
        for (int i = 0; i < images.size(); i++) {
            String[] img = images.get(i);
            Classification c = results == null ? null : results.get(i);
            String predicted = c == null || c.label() == null ? NONE : c.label();
            if (c != null && c.labels() != null) {
                c.labels().forEach(l -> known.add(l.label()));
            }
            pairs.add(new String[] {img[1], predicted});
            confusion.computeIfAbsent(img[1], k -> new TreeMap<>()).merge(predicted, 1, Integer::sum);
        }
        return new Score(macroF1(pairs, testLabels), accuracy(pairs), List.copyOf(known), confusion);
    }

    /** Each image's classification, null for an image the model refuses (it counts as wrong, like an unknown label). */
    private List<Classification> classifyAll(String version) {
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "replay-score");
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<Classification>> futures = new ArrayList<>();
            for (String[] img : images) {
                futures.add(pool.submit(() -> {
                    try {
                        return backend.classify(version, new ImageRef(bucket, img[0]));
                    } catch (RuntimeException e) {
                        return null;
                    }
                }));
            }
            List<Classification> out = new ArrayList<>(futures.size());
            for (var f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("scoring interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("scoring failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Macro-F1 over {@code labels}: each label's F1 from (true, predicted) pairs, averaged. */
    static double macroF1(List<String[]> pairs, List<String> labels) {
        if (labels.isEmpty()) {
            return 0;
        }
        double sum = 0;
        for (String label : labels) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (String[] p : pairs) {
                boolean truth = label.equals(p[0]);
                boolean said = label.equals(p[1]);
                if (truth && said) {
                    tp++;
                } else if (said) {
                    fp++;
                } else if (truth) {
                    fn++;
                }
            }
            sum += tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        }
        return sum / labels.size();
    }

    static double accuracy(List<String[]> pairs) {
        if (pairs.isEmpty()) {
            return 0;
        }
        return pairs.stream().filter(p -> p[0].equals(p[1])).count() / (double) pairs.size();
    }

    public List<String> testLabels() {
        return testLabels;
    }

    static Map<String, Map<String, Integer>> copy(Map<String, Map<String, Integer>> m) {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, new LinkedHashMap<>(v)));
        return out;
    }
}
