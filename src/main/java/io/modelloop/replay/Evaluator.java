package io.modelloop.replay;

import io.modelloop.model.ImageRef;
import io.modelloop.model.MacroF1;
import io.modelloop.model.ModelBackend;
import io.modelloop.model.Prediction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Scores a serving version on the fixed held-out test set with the model backend itself (its
 * {@link ModelBackend#predictAll}, the label classify gives): macro-F1
 * over every label of the test set (a label the version does not know scores 0, so discovering
 * labels shows in the curve) and accuracy.
 */
public final class Evaluator {

    /** What the test set says about one version. */
    public record Score(double macroF1, double accuracy, List<String> knownLabels,
                        Map<String, Map<String, Integer>> confusion) {
    }

    public static final String NONE = "(none)";
    private static final int CHUNK = 100;

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

    /** Scores the version on every test image; the counts are made in test-set order. */
    public Score score(String version) {
        Map<String, Map<String, Integer>> confusion = new TreeMap<>();
        TreeSet<String> known = new TreeSet<>();
        List<String[]> pairs = new ArrayList<>();
        List<Prediction> results = version == null ? null : predictAll(version);
        for (int i = 0; i < images.size(); i++) {
            String[] img = images.get(i);
            Prediction c = results == null ? null : results.get(i);
            String predicted = c == null || c.label() == null ? NONE : c.label();
            if (c != null) {
                known.addAll(c.knownLabels());
            }
            pairs.add(new String[] {img[1], predicted});
            confusion.computeIfAbsent(img[1], k -> new TreeMap<>()).merge(predicted, 1, Integer::sum);
        }
        return new Score(macroF1(pairs, testLabels), accuracy(pairs), List.copyOf(known), confusion);
    }

    /**
     * Each image's label, null for an unreadable image (it counts as wrong, like an unknown label).
     * Chunks of {@value #CHUNK} images go to the backend's batch prediction on a few threads, so
     * reading and decoding images overlaps the network's passes.
     */
    private List<Prediction> predictAll(String version) {
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "replay-score");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<Prediction>>> chunks = new ArrayList<>();
            for (int start = 0; start < images.size(); start += CHUNK) {
                List<ImageRef> refs = images.subList(start, Math.min(images.size(), start + CHUNK)).stream()
                        .map(img -> new ImageRef(bucket, img[0])).toList();
                chunks.add(pool.submit(() -> backend.predictAll(version, refs)));
            }
            List<Prediction> out = new ArrayList<>(images.size());
            for (var chunk : chunks) {
                out.addAll(chunk.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("scoring interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("scoring version " + version + " failed: " + e.getCause().getMessage(),
                    e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Macro-F1 over {@code labels} from (true, predicted) pairs; 0 when none of the labels occurs. */
    static double macroF1(List<String[]> pairs, List<String> labels) {
        Double f1 = MacroF1.of(pairs.stream().map(p -> p[0]).toList(), pairs.stream().map(p -> p[1]).toList(), labels);
        return f1 == null ? 0 : f1;
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
}
