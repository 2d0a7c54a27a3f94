package io.modelloop.model.builtin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Holds out a test split per label: round(n x fraction) images of each label, at least one for
 * a label with two or more images and never all of them. A label with a single image goes to
 * training only (it then has no test images and is left out of the macro F1).
 */
public final class StratifiedSplit {

    public record Split(List<Sample> train, List<Sample> test, List<Integer> trainOnlyLabels) {
    }

    private StratifiedSplit() {
    }

    public static Split split(List<Sample> samples, int labelCount, double testFraction, long seed) {
        List<List<Sample>> byLabel = new ArrayList<>();
        for (int i = 0; i < labelCount; i++) {
            byLabel.add(new ArrayList<>());
        }
        samples.forEach(s -> byLabel.get(s.label()).add(s));
        Random random = new Random(seed);
        List<Sample> train = new ArrayList<>();
        List<Sample> test = new ArrayList<>();
        List<Integer> trainOnly = new ArrayList<>();
        for (int label = 0; label < labelCount; label++) {
            List<Sample> items = byLabel.get(label);
            Collections.shuffle(items, random);
            int n = items.size();
            int held = testCount(n, testFraction);
            if (n == 1) {
                trainOnly.add(label);
            }
            test.addAll(items.subList(0, held));
            train.addAll(items.subList(held, n));
        }
        return new Split(train, test, trainOnly);
    }

    /** How many of a label's n images are held out. */
    public static int testCount(int n, double testFraction) {
        if (n < 2) {
            return 0;
        }
        return (int) Math.min(n - 1, Math.max(1, Math.round(n * testFraction)));
    }
}
