package io.modelloop.model.builtin;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds out a test split per label: round(n x fraction) images of each label, at least one for
 * a label with two or more images and never all of them. A label with a single image goes to
 * training only (it then has no test images and is left out of the macro F1).
 *
 * <p>Which images are held out depends on their keys, not on their order or on the other
 * images: each label's images are ranked by a hash of the seed and the key, and the first ones
 * are held out. So the next training holds out nearly the same images plus some of the new
 * ones, and the champion/challenger comparison (only images the serving version did not train
 * on count) rests on most of the held-out split instead of the few that a fresh shuffle would
 * happen to hold out twice.
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
        List<Sample> train = new ArrayList<>();
        List<Sample> test = new ArrayList<>();
        List<Integer> trainOnly = new ArrayList<>();
        for (int label = 0; label < labelCount; label++) {
            List<Sample> items = byLabel.get(label);
            Map<Sample, Long> ranks = new IdentityHashMap<>();
            items.forEach(sample -> ranks.put(sample, rank(seed, sample.key())));
            items.sort(Comparator.comparingLong((Sample sample) -> ranks.get(sample)).thenComparing(Sample::key));
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

    /** A stable pseudo-random rank of a key: the first 8 bytes of SHA-256 over the seed and the key. */
    static long rank(long seed, String key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
            return ByteBuffer.wrap(sha.digest(key.getBytes(StandardCharsets.UTF_8))).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** How many of a label's n images are held out. */
    public static int testCount(int n, double testFraction) {
        if (n < 2) {
            return 0;
        }
        return (int) Math.min(n - 1, Math.max(1, Math.round(n * testFraction)));
    }
}
