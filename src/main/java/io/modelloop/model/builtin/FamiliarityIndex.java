package io.modelloop.model.builtin;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    private final float[][][] byLabel;

    private FamiliarityIndex(float[][][] byLabel) {
        this.byLabel = byLabel;
    }

    /** An index of these features (normalised here), grouped by label. */
    public static FamiliarityIndex of(List<float[]> features, int[] labels, int labelCount) {
        List<List<float[]>> groups = new ArrayList<>();
        for (int c = 0; c < labelCount; c++) {
            groups.add(new ArrayList<>());
        }
        for (int i = 0; i < features.size(); i++) {
            groups.get(labels[i]).add(normalised(features.get(i)));
        }
        float[][][] byLabel = new float[labelCount][][];
        for (int c = 0; c < labelCount; c++) {
            byLabel[c] = groups.get(c).toArray(new float[0][]);
        }
        return new FamiliarityIndex(byLabel);
    }

    public int size() {
        int n = 0;
        for (float[][] g : byLabel) {
            n += g.length;
        }
        return n;
    }

    /** Cosine similarity of the image's features to the nearest indexed image of any label. */
    public double similarity(float[] features) {
        float[] x = normalised(features);
        double best = -1;
        for (float[][] group : byLabel) {
            best = Math.max(best, nearest(x, group, -1));
        }
        return best;
    }

    /** Each indexed image's similarity to the nearest other indexed image of any label (leave one out). */
    public List<Double> leaveOneOutAnyLabel() {
        List<Double> out = new ArrayList<>();
        if (size() < 2) {
            return out;
        }
        for (int c = 0; c < byLabel.length; c++) {
            for (int i = 0; i < byLabel[c].length; i++) {
                double best = -1;
                for (int d = 0; d < byLabel.length; d++) {
                    best = Math.max(best, nearest(byLabel[c][i], byLabel[d], c == d ? i : -1));
                }
                out.add(best);
            }
        }
        return out;
    }

    /** Cosine similarity of the image's features to the nearest indexed image of the label; -1 if it has none. */
    public double similarity(float[] features, int label) {
        return nearest(normalised(features), byLabel[label], -1);
    }

    /**
     * Each indexed image's similarity to the nearest other image of its own label (leave one out);
     * images alone in their label are left out.
     */
    public List<Double> leaveOneOut() {
        List<Double> out = new ArrayList<>();
        for (float[][] group : byLabel) {
            if (group.length < 2) {
                continue;
            }
            for (int i = 0; i < group.length; i++) {
                out.add(nearest(group[i], group, i));
            }
        }
        return out;
    }

    private static double nearest(float[] x, float[][] refs, int skip) {
        double best = -1;
        for (int j = 0; j < refs.length; j++) {
            if (j == skip) {
                continue;
            }
            double dot = 0;
            float[] r = refs[j];
            for (int k = 0; k < x.length; k++) {
                dot += x[k] * r[k];
            }
            best = Math.max(best, dot);
        }
        return best;
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

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            out.writeInt(byLabel.length);
            for (float[][] group : byLabel) {
                out.writeInt(group.length);
                out.writeInt(group.length == 0 ? 0 : group[0].length);
                for (float[] v : group) {
                    for (float x : v) {
                        out.writeFloat(x);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static FamiliarityIndex fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IllegalStateException("familiarity index format " + format + " is not supported");
            }
            float[][][] byLabel = new float[in.readInt()][][];
            for (int c = 0; c < byLabel.length; c++) {
                int n = in.readInt();
                int d = in.readInt();
                byLabel[c] = new float[n][d];
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < d; k++) {
                        byLabel[c][i][k] = in.readFloat();
                    }
                }
            }
            return new FamiliarityIndex(byLabel);
        } catch (IOException e) {
            throw new UncheckedIOException("familiarity index is unreadable: " + e.getMessage(), e);
        }
    }
}
