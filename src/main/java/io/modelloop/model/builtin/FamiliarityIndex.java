package io.modelloop.model.builtin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The feature vectors of a version's training images, per label, for deep nearest-neighbour
 * novelty scoring (Sun et al. 2022): an image's similarity is the cosine similarity to the
 * nearest training image of a label, or of any label. Stored with the version
 * (models/&lt;version&gt;/familiarity.bin for the network's features, familiarity-ink.bin for
 * the ink maps) so every pod scores alike.
 */
public final class FamiliarityIndex {

    private static final int FORMAT = 1;
    /** Per label, its images' normalised vectors one after another (row-major), so a scan reads memory in order. */
    private final float[][] byLabel;
    private final int[] counts;
    private final int dim;

    private FamiliarityIndex(float[][] byLabel, int[] counts, int dim) {
        this.byLabel = byLabel;
        this.counts = counts;
        this.dim = dim;
    }

    /** An index of these features (normalised here), grouped by label. */
    public static FamiliarityIndex of(List<float[]> features, int[] labels, int labelCount) {
        int dim = features.isEmpty() ? 0 : features.get(0).length;
        int[] counts = new int[labelCount];
        for (int i = 0; i < features.size(); i++) {
            counts[labels[i]]++;
        }
        float[][] byLabel = new float[labelCount][];
        for (int c = 0; c < labelCount; c++) {
            byLabel[c] = new float[counts[c] * dim];
        }
        int[] filled = new int[labelCount];
        for (int i = 0; i < features.size(); i++) {
            int c = labels[i];
            System.arraycopy(normalised(features.get(i)), 0, byLabel[c], filled[c]++ * dim, dim);
        }
        return new FamiliarityIndex(byLabel, counts, dim);
    }

    public int size() {
        int n = 0;
        for (int count : counts) {
            n += count;
        }
        return n;
    }

    /** Cosine similarity of the image's features to the nearest indexed image of any label. */
    public double similarity(float[] features) {
        double best = -1;
        for (double s : similarities(features)) {
            best = Math.max(best, s);
        }
        return best;
    }

    /** Cosine similarity of the image's features to the nearest indexed image of each label (-1 for a label with none). */
    public double[] similarities(float[] features) {
        float[] x = normalised(features);
        double[] out = new double[byLabel.length];
        for (int c = 0; c < byLabel.length; c++) {
            out[c] = nearest(x, 0, c, -1);
        }
        return out;
    }

    /**
     * Each indexed image's similarity to the nearest other indexed image of any label (leave one out),
     * for at most about {@code maxQueries} images spread evenly over the index: every query scans the
     * whole index, so all of them would cost the square of its size.
     */
    public List<Double> leaveOneOutAnyLabel(int maxQueries) {
        List<Double> out = new ArrayList<>();
        if (size() < 2) {
            return out;
        }
        int stride = stride(size(), maxQueries);
        int seen = 0;
        for (int c = 0; c < byLabel.length; c++) {
            for (int i = 0; i < counts[c]; i++) {
                if (seen++ % stride != 0) {
                    continue;
                }
                double best = -1;
                for (int d = 0; d < byLabel.length; d++) {
                    best = Math.max(best, nearest(byLabel[c], i * dim, d, c == d ? i : -1));
                }
                out.add(best);
            }
        }
        return out;
    }

    /** Cosine similarity of the image's features to the nearest indexed image of the label; -1 if it has none. */
    public double similarity(float[] features, int label) {
        return nearest(normalised(features), 0, label, -1);
    }

    /**
     * Each indexed image's similarity to the nearest other image of its own label (leave one out);
     * images alone in their label are left out. At most about {@code maxQueries} images, spread evenly
     * over the index, are queried.
     */
    public List<Double> leaveOneOut(int maxQueries) {
        List<Double> out = new ArrayList<>();
        int stride = stride(size(), maxQueries);
        int seen = 0;
        for (int c = 0; c < byLabel.length; c++) {
            for (int i = 0; i < counts[c]; i++) {
                if (seen++ % stride == 0 && counts[c] >= 2) {
                    out.add(nearest(byLabel[c], i * dim, c, i));
                }
            }
        }
        return out;
    }

    private static int stride(int size, int maxQueries) {
        if (maxQueries < 1) {
            throw new IllegalArgumentException("maxQueries must be at least 1, got " + maxQueries);
        }
        return Math.max(1, (size + maxQueries - 1) / maxQueries);
    }

    /** The largest dot product of x (at offset xOff) with the label's vectors, skipping row {@code skip}. */
    private double nearest(float[] x, int xOff, int label, int skip) {
        float[] refs = byLabel[label];
        float best = -1;
        for (int j = 0; j < counts[label]; j++) {
            if (j != skip) {
                best = Math.max(best, dot(x, xOff, refs, j * dim, dim));
            }
        }
        return best;
    }

    // four running sums let the CPU overlap the multiply-adds; one sum is a chain of dependent adds
    private static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int k = 0;
        for (; k + 3 < n; k += 4) {
            s0 += a[aOff + k] * b[bOff + k];
            s1 += a[aOff + k + 1] * b[bOff + k + 1];
            s2 += a[aOff + k + 2] * b[bOff + k + 2];
            s3 += a[aOff + k + 3] * b[bOff + k + 3];
        }
        for (; k < n; k++) {
            s0 += a[aOff + k] * b[bOff + k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    static float[] normalised(float[] f) {
        double sq = 0;
        for (float v : f) {
            sq += v * v;
        }
        float inv = (float) (1 / Math.sqrt(sq + 1e-12));
        float[] out = new float[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i] * inv;
        }
        return out;
    }

    /** Big-endian ints and floats, as DataOutputStream wrote the first indexes. */
    public byte[] toBytes() {
        int floats = 0;
        for (float[] rows : byLabel) {
            floats += rows.length;
        }
        ByteBuffer out = ByteBuffer.allocate(4 * (2 + 2 * byLabel.length + floats));
        out.putInt(FORMAT).putInt(byLabel.length);
        for (int c = 0; c < byLabel.length; c++) {
            out.putInt(counts[c]).putInt(counts[c] == 0 ? 0 : dim);
            out.asFloatBuffer().put(byLabel[c]);
            out.position(out.position() + 4 * byLabel[c].length);
        }
        return out.array();
    }

    public static FamiliarityIndex fromBytes(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            int format = in.getInt();
            if (format != FORMAT) {
                throw new IllegalStateException("familiarity index format " + format + " is not supported");
            }
            float[][] byLabel = new float[in.getInt()][];
            int[] counts = new int[byLabel.length];
            int dim = 0;
            for (int c = 0; c < byLabel.length; c++) {
                counts[c] = in.getInt();
                int d = in.getInt();
                if (counts[c] > 0) {
                    if (dim != 0 && d != dim) {
                        throw new IllegalStateException("familiarity index mixes vectors of " + dim + " and " + d + " values");
                    }
                    dim = d;
                }
                byLabel[c] = new float[Math.multiplyExact(counts[c], d)];
                in.asFloatBuffer().get(byLabel[c]);
                in.position(in.position() + 4 * byLabel[c].length);
            }
            return new FamiliarityIndex(byLabel, counts, dim);
        } catch (BufferUnderflowException | IllegalArgumentException | ArithmeticException
                 | NegativeArraySizeException e) {
            throw new UncheckedIOException("familiarity index is unreadable: " + e, new IOException(e));
        }
    }
}
