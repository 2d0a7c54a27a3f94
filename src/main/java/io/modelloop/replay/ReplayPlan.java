package io.modelloop.replay;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The dataset cut for a replay: a held-out test set fixed per dataset (the same for every policy
 * and seed), and per seed the initial labelled set and the stream in batches. Built only when
 * options and data are usable; otherwise {@link #problems} lists every reason, one message each.
 */
public final class ReplayPlan {

    /** The held-out share's draw is fixed so every seed and policy is scored on the same images. */
    private static final long TEST_SPLIT_SEED = 20261203L;

    private final ReplayOptions options;
    private final List<String> labels;
    private final List<String> seedLabels;
    private final List<Dataset.Item> test;
    private final Map<String, List<Dataset.Item>> trainable;
    private final List<String> notes;

    private ReplayPlan(ReplayOptions options, List<String> labels, List<String> seedLabels, List<Dataset.Item> test,
                       Map<String, List<Dataset.Item>> trainable, List<String> notes) {
        this.options = options;
        this.labels = labels;
        this.seedLabels = seedLabels;
        this.test = test;
        this.trainable = trainable;
        this.notes = notes;
    }

    /** The plan, or the problems that stop the replay before any loop starts. */
    public sealed interface Outcome permits Ready, Refused {
    }

    public record Ready(ReplayPlan plan) implements Outcome {
    }

    public record Refused(List<String> problems, List<String> notes) implements Outcome {
    }

    public static Outcome of(ReplayOptions options) {
        List<String> problems = new ArrayList<>(options.problems());
        List<String> notes = new ArrayList<>();
        if (options.dataset() == null) {
            return new Refused(problems, notes);
        }
        Dataset data = Dataset.read(options.dataset(), "dataset");
        problems.addAll(data.problems());
        if (data.skippedNote("dataset") != null) {
            notes.add(data.skippedNote("dataset"));
        }
        Dataset testData = null;
        if (options.test() != null) {
            testData = Dataset.read(options.test(), "test set");
            problems.addAll(testData.problems());
            if (testData.skippedNote("test set") != null) {
                notes.add(testData.skippedNote("test set"));
            }
        }
        List<String> labels = data.labels();
        if (labels.size() == 1) {
            problems.add("the dataset has only one label ('" + labels.get(0) + "'): a replay needs at least two");
        }
        List<String> seedLabels = options.seedLabels().isEmpty() ? labels : options.seedLabels();
        for (String l : options.seedLabels()) {
            if (!labels.contains(l)) {
                problems.add("--seed-labels names '" + l + "', which is not a label of the dataset (labels: "
                        + String.join(", ", labels) + ")");
            }
        }
        if (!options.seedLabels().isEmpty() && options.seedLabels().stream().distinct().count() < 2) {
            problems.add("--seed-labels must name at least two labels: the loop trains only with two or more");
        }

        List<Dataset.Item> test = new ArrayList<>();
        Map<String, List<Dataset.Item>> trainable = new LinkedHashMap<>();
        for (String label : labels) {
            List<Dataset.Item> all = new ArrayList<>(data.byLabel().get(label));
            int held = 0;
            if (testData == null) {
                Collections.shuffle(all, new Random(TEST_SPLIT_SEED + label.hashCode()));
                held = Math.max(1, (int) Math.round(all.size() * options.testShare()));
                if (all.size() < 2) {
                    problems.add("label '" + label + "' has only " + all.size() + " image: it cannot give both a test image "
                            + "and an image to learn from");
                    continue;
                }
                held = Math.min(held, all.size() - 1);
                test.addAll(all.subList(0, held));
                all = new ArrayList<>(all.subList(held, all.size()));
            }
            if (seedLabels.contains(label) && all.size() < options.seedPerLabel()) {
                problems.add("label '" + label + "' has " + (all.size() + held) + " image(s), fewer than the requested "
                        + options.seedPerLabel() + " seed image(s)" + (held > 0 ? " plus " + held + " held-out test image(s)" : "")
                        + ": lower --seed-per-label or --test-share, or add images");
            }
            trainable.put(label, List.copyOf(all));
        }
        if (testData != null) {
            testData.byLabel().values().forEach(test::addAll);
        }
        if (problems.isEmpty()) {
            int seedTotal = seedLabels.size() * options.seedPerLabel();
            int left = trainable.values().stream().mapToInt(List::size).sum() - seedTotal;
            if (left < 1) {
                problems.add("the dataset is smaller than the requested seed and test sets: no image is left for the stream");
            } else if (left < options.stream()) {
                notes.add("the stream has " + left + " image(s), fewer than --stream " + options.stream());
            }
        }
        if (!problems.isEmpty()) {
            return new Refused(problems, notes);
        }
        return new Ready(new ReplayPlan(options, labels, List.copyOf(seedLabels), List.copyOf(test), trainable, notes));
    }

    public ReplayOptions options() {
        return options;
    }

    /** Every label of the dataset and the test set, sorted. */
    public List<String> allLabels() {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(labels);
        test.forEach(i -> all.add(i.label()));
        return List.copyOf(all);
    }

    public List<String> seedLabels() {
        return seedLabels;
    }

    public List<Dataset.Item> test() {
        return test;
    }

    public List<String> notes() {
        return notes;
    }

    /** What one seed gets: the initial labelled images and the stream cut into batches. */
    public record Draw(List<Dataset.Item> seed, List<List<Dataset.Item>> batches) {
        public int streamSize() {
            return batches.stream().mapToInt(List::size).sum();
        }
    }

    public Draw draw(long seed) {
        Random r = new Random(seed);
        List<Dataset.Item> seedItems = new ArrayList<>();
        List<Dataset.Item> pool = new ArrayList<>();
        trainable.forEach((label, items) -> {
            List<Dataset.Item> shuffled = new ArrayList<>(items);
            Collections.shuffle(shuffled, r);
            int n = seedLabels.contains(label) ? options.seedPerLabel() : 0;
            seedItems.addAll(shuffled.subList(0, n));
            pool.addAll(shuffled.subList(n, shuffled.size()));
        });
        Collections.shuffle(pool, r);
        List<Dataset.Item> stream = pool.subList(0, Math.min(options.stream(), pool.size()));
        List<List<Dataset.Item>> batches = new ArrayList<>();
        for (int i = 0; i < stream.size(); i += options.batch()) {
            batches.add(List.copyOf(stream.subList(i, Math.min(stream.size(), i + options.batch()))));
        }
        return new Draw(List.copyOf(seedItems), List.copyOf(batches));
    }
}
