package io.modelloop.model.builtin;

import io.modelloop.model.ModelVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * Novelty-aware confidence for the built-in model: confidence = min(class probability,
 * familiarity). The class probability (temperature-scaled softmax) says how clearly the image is
 * its label rather than another known label; the familiarity says how close it is to the
 * training images (deep nearest neighbours, Sun et al. 2022), the lower of two views: the
 * network's features against the label's images, and the ink map against any image. An image
 * unlike anything trained on is low whatever the softmax says.
 */
public final class Familiarity {

    /** Share of images like the training images whose familiarity is below 70. */
    public static final double UNFAMILIAR_SHARE = 0.05;
    /** Each of the two views takes half of it, so that together they stay within it. */
    static final double PART_SHARE = UNFAMILIAR_SHARE / 2;
    /**
     * Training images whose leave-one-out similarity goes into a scale: about a thousand pin down its
     * 2.5 % quantile, and leaving out every one of n images costs n squared (minutes at a few thousand).
     */
    static final int SCALE_QUERIES = 1000;
    /** What a version's indexes hold, recorded as model.json familiarity.method. */
    public static final String FEATURES = "network features (nearest image of the label) and ink map (nearest image)";
    static final String METHOD = "min(class probability, familiarity); familiarity: the lower of two cosine similarities "
            + "put on the confidence scale, to the nearest training image of the label in the network's features and to "
            + "the nearest training image's ink map, each scaled on the version's held-out images and its training "
            + "images left out one at a time";
    private static final int ECE_BINS = 10;

    private Familiarity() {
    }

    /**
     * What training leaves for serving: the indexes of every image (training and held out), the
     * scales, and the calibration figures measured on the held-out images before they joined.
     */
    public record Fitted(FamiliarityIndex index, FamiliarityScale scale, FamiliarityIndex inkIndex,
                         FamiliarityScale inkScale, ModelVersion.Calibration calibration, String fittedOn) {

        public VersionRecord.FamiliarityRecord record(String indexKey, String inkIndexKey) {
            return new VersionRecord.FamiliarityRecord(FEATURES, indexKey, scale, index.size(), fittedOn, inkIndexKey,
                    inkScale);
        }
    }

    public static Fitted fit(NetworkTrainer.TrainedNetwork net, List<float[]> trainX, List<float[]> trainInk,
                             int[] trainY, List<float[]> heldOutX, List<float[]> heldOutInk, int[] heldOutY,
                             int[] heldOutPredicted, int labelCount, double temperature, float[][] heldOutLogits) {
        float[][] trainF = net.features(trainX);
        float[][] heldF = heldOutX.isEmpty() ? new float[0][] : net.features(heldOutX);
        // the network's view: nearest training image of the predicted label
        FamiliarityIndex trainIndex = FamiliarityIndex.of(List.of(trainF), trainY, labelCount);
        List<Double> heldSims = new ArrayList<>();
        for (int i = 0; i < heldF.length; i++) {
            heldSims.add(trainIndex.similarity(heldF[i], heldOutPredicted[i]));
        }
        List<Double> loo = trainIndex.leaveOneOut(SCALE_QUERIES);
        FamiliarityScale scale = FamiliarityScale.fit(orOne(concat(heldSims, loo)), PART_SHARE);
        // the ink map's view: nearest training image of any label, whatever the network makes of it
        FamiliarityIndex trainInkIndex = FamiliarityIndex.of(trainInk, trainY, labelCount);
        List<Double> heldInkSims = new ArrayList<>();
        for (float[] ink : heldOutInk) {
            heldInkSims.add(trainInkIndex.similarity(ink));
        }
        FamiliarityScale inkScale = FamiliarityScale.fit(orOne(concat(heldInkSims, trainInkIndex.leaveOneOutAnyLabel(SCALE_QUERIES))),
                PART_SHARE);

        ModelVersion.Calibration calibration = null;
        if (heldF.length > 0) {
            int below = 0;
            int unfamiliar = 0;
            double[] prob = new double[heldF.length];
            boolean[] right = new boolean[heldF.length];
            for (int i = 0; i < heldF.length; i++) {
                double[] p = TemperatureScaling.softmax(heldOutLogits[i], temperature);
                prob[i] = p[heldOutPredicted[i]];
                right[i] = heldOutPredicted[i] == heldOutY[i];
                double familiarity = Math.min(scale.familiarity(heldSims.get(i)), inkScale.familiarity(heldInkSims.get(i)));
                below += Math.min(100 * prob[i], familiarity) < 70 ? 1 : 0;
                unfamiliar += familiarity < 70 ? 1 : 0;
            }
            calibration = new ModelVersion.Calibration(METHOD, heldF.length, temperature,
                    expectedCalibrationError(prob, right), (double) below / heldF.length,
                    (double) unfamiliar / heldF.length);
        }
        int[] allY = new int[trainY.length + heldOutY.length];
        System.arraycopy(trainY, 0, allY, 0, trainY.length);
        System.arraycopy(heldOutY, 0, allY, trainY.length, heldOutY.length);
        List<float[]> all = new ArrayList<>(List.of(trainF));
        all.addAll(List.of(heldF));
        List<float[]> allInk = new ArrayList<>(trainInk);
        allInk.addAll(heldOutInk);
        String fittedOn = heldSims.size() + " held-out images and " + loo.size() + " training images left out one at a time";
        return new Fitted(FamiliarityIndex.of(all, allY, labelCount), scale, FamiliarityIndex.of(allInk, allY, labelCount),
                inkScale, calibration, fittedOn);
    }

    private static List<Double> concat(List<Double> a, List<Double> b) {
        List<Double> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** One image per label and nothing held out: nothing to compare, every image as familiar as the scale allows. */
    private static List<Double> orOne(List<Double> sims) {
        return sims.isEmpty() ? List.of(1.0) : sims;
    }

    /** Expected calibration error of the top-label probability, in equal-width bins. */
    public static double expectedCalibrationError(double[] prob, boolean[] right) {
        double[] conf = new double[ECE_BINS];
        double[] acc = new double[ECE_BINS];
        int[] n = new int[ECE_BINS];
        for (int i = 0; i < prob.length; i++) {
            int b = Math.min(ECE_BINS - 1, (int) (prob[i] * ECE_BINS));
            conf[b] += prob[i];
            acc[b] += right[i] ? 1 : 0;
            n[b]++;
        }
        double ece = 0;
        for (int b = 0; b < ECE_BINS; b++) {
            if (n[b] > 0) {
                ece += Math.abs(acc[b] - conf[b]) / prob.length;
            }
        }
        return ece;
    }
}
