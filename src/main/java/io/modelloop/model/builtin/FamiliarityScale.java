package io.modelloop.model.builtin;

import java.util.List;

/**
 * Turns a nearest-neighbour similarity into a familiarity on the confidence scale (0-100), fitted
 * per version on similarities of images the index did not contain (held-out images, and training
 * images against the others of their label). Their distribution is summarised robustly (median,
 * scaled median absolute deviation) as a normal one; p = P(a familiar image is less similar).
 * familiarity = 100 x p^gamma with gamma chosen so that familiarity is 70 at p = unfamiliarShare:
 * at a threshold of 70, about that share of images like the training images are sent to review
 * for looking unfamiliar, whatever the version.
 *
 * @param median          median similarity of the calibration images
 * @param scale           robust standard deviation of their similarity (floored)
 * @param unfamiliarShare share of familiar images whose familiarity is below 70
 */
public record FamiliarityScale(double median, double scale, double unfamiliarShare) {

    static final double MIN_SCALE = 0.01;
    private static final double AT = 0.70;

    public static FamiliarityScale fit(List<Double> similarities, double unfamiliarShare) {
        if (similarities.isEmpty()) {
            throw new IllegalArgumentException("no calibration images");
        }
        double median = median(similarities);
        double mad = median(similarities.stream().map(s -> Math.abs(s - median)).toList());
        return new FamiliarityScale(median, Math.max(MIN_SCALE, 1.4826 * mad), unfamiliarShare);
    }

    /** The share of familiar images that are less similar than this. */
    public double pValue(double similarity) {
        return phi((similarity - median) / scale);
    }

    /** Familiarity, 0-100, comparable with a confidence threshold. */
    public double familiarity(double similarity) {
        double gamma = Math.log(AT) / Math.log(unfamiliarShare);
        return 100 * Math.pow(pValue(similarity), gamma);
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Standard normal CDF (Abramowitz and Stegun 7.1.26 through erf; error below 1.5e-7). */
    static double phi(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592)
                * t * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
