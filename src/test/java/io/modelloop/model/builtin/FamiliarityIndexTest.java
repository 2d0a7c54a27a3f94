package io.modelloop.model.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FamiliarityIndexTest {

    private static final int DIM = 37; // not a multiple of the unrolled step

    @Test
    void nearestNeighbourPerLabelMatchesCosineSimilarityComputedDirectly() {
        Random random = new Random(7);
        List<float[]> features = new ArrayList<>();
        int[] labels = new int[60];
        for (int i = 0; i < labels.length; i++) {
            features.add(vector(random));
            labels[i] = i % 3;
        }
        FamiliarityIndex index = FamiliarityIndex.of(features, labels, 4); // label 3 has no image
        float[] query = vector(random);

        double[] sims = index.similarities(query);

        for (int label = 0; label < 3; label++) {
            double best = -1;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == label) {
                    best = Math.max(best, cosine(query, features.get(i)));
                }
            }
            assertThat(sims[label]).isCloseTo(best, within(1e-5));
            assertThat(index.similarity(query, label)).isCloseTo(best, within(1e-5));
        }
        assertThat(sims[3]).isEqualTo(-1);
        assertThat(index.similarity(query)).isCloseTo(Arrays.stream(sims).max().orElseThrow(), within(1e-9));
    }

    @Test
    void leaveOneOutNeverFindsTheImageItself() {
        float[] a = {1, 0, 0};
        float[] b = {0, 1, 0};
        FamiliarityIndex index = FamiliarityIndex.of(List.of(a, b, a.clone()), new int[] {0, 0, 1}, 2);

        assertThat(index.leaveOneOut(Integer.MAX_VALUE)).containsExactly(0.0, 0.0); // label 1 has one image: left out
        assertThat(index.leaveOneOutAnyLabel(Integer.MAX_VALUE)).containsExactly(1.0, 0.0, 1.0);
    }

    @Test
    void leaveOneOutForAFewImagesScansThemAgainstTheWholeIndex() {
        Random random = new Random(11);
        int n = 300;
        List<float[]> features = new ArrayList<>();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            float[] f = new float[16];
            for (int k = 0; k < f.length; k++) {
                f[k] = (float) random.nextGaussian();
            }
            features.add(f);
            labels[i] = i < 100 ? 0 : i < 250 ? 1 : 2;
        }
        FamiliarityIndex index = FamiliarityIndex.of(features, labels, 3);
        List<Double> all = index.leaveOneOut(Integer.MAX_VALUE);
        List<Double> allAny = index.leaveOneOutAnyLabel(Integer.MAX_VALUE);

        List<Double> some = index.leaveOneOut(100);
        List<Double> someAny = index.leaveOneOutAnyLabel(100);

        // every third image, in index order: each value is that image's full leave-one-out value
        assertThat(some).hasSize(100);
        assertThat(someAny).hasSize(100);
        for (int q = 0; q < 100; q++) {
            assertThat(some.get(q)).isEqualTo(all.get(3 * q));
            assertThat(someAny.get(q)).isEqualTo(allAny.get(3 * q));
        }
        assertThat(index.leaveOneOut(1000)).isEqualTo(all);
        assertThatThrownBy(() -> index.leaveOneOut(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsIndexesStoredByEarlierVersionsAndRoundTrips() throws Exception {
        Random random = new Random(3);
        float[][] stored = {vector(random), vector(random), vector(random)};
        // the stored layout: format, label count, then per label its count, dimension and floats (big-endian)
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(1);
            out.writeInt(2);
            out.writeInt(2);
            out.writeInt(DIM);
            for (float[] v : List.of(FamiliarityIndex.normalised(stored[0]), FamiliarityIndex.normalised(stored[1]))) {
                for (float x : v) {
                    out.writeFloat(x);
                }
            }
            out.writeInt(1);
            out.writeInt(DIM);
            for (float x : FamiliarityIndex.normalised(stored[2])) {
                out.writeFloat(x);
            }
        }
        FamiliarityIndex index = FamiliarityIndex.fromBytes(bytes.toByteArray());

        assertThat(index.size()).isEqualTo(3);
        assertThat(index.similarity(stored[2], 1)).isCloseTo(1.0, within(1e-5));
        assertThat(index.toBytes()).isEqualTo(bytes.toByteArray());
    }

    @Test
    void aTruncatedIndexIsAClearError() {
        byte[] whole = FamiliarityIndex.of(List.of(new float[] {1, 2}), new int[] {0}, 1).toBytes();

        assertThatThrownBy(() -> FamiliarityIndex.fromBytes(Arrays.copyOf(whole, whole.length - 3)))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("familiarity index is unreadable");
    }

    private static float[] vector(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
