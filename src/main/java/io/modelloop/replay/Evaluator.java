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

    public Score score(String version) {
        Map<String, Map<String, Integer>> confusion = new TreeMap<>();
        TreeSet<String> known = new TreeSet<>();
        List<String[]> pairs = new ArrayList<>();
        for (String[] img : images) {
            String predicted = NONE;
            if (version != null) {
                try {
                    Classification c = backend.classify(version, new ImageRef(bucket, img[0]));
                    if (c.label() != null) {
                        predicted = c.label();
                    }
                    if (c.labels() != null) {
                        c.labels().forEach(l -> known.add(l.label()));
                    }
                } catch (RuntimeException e) {
                    predicted = NONE; // an image the model refuses counts as wrong, like an unknown label
                }
            }
            pairs.add(new String[] {img[1], predicted});
            confusion.computeIfAbsent(img[1], k -> new TreeMap<>()).merge(predicted, 1, Integer::sum);
        }
        return new Score(macroF1(pairs, testLabels), accuracy(pairs), List.copyOf(known), confusion);
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
