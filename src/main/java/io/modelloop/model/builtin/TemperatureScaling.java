package io.modelloop.model.builtin;

/**
 * Temperature scaling (Guo et al., 2017): one scalar T divides the logits so that
 * softmax(logits / T) is a calibrated probability. T minimises the negative log-likelihood of
 * the true labels on images the network did not train on, with a weak log-normal prior centred
 * on T = 1 (it only matters for tiny calibration sets, where a perfectly separated handful of
 * images would otherwise push T to the bound and every confidence to 100).
 * The ranking of labels never changes.
 */
public final class TemperatureScaling {

    public static final double MIN = 0.05;
    public static final double MAX = 20;

    private TemperatureScaling() {
    }

    public static double fit(float[][] logits, int[] truth) {
        if (logits.length == 0) {
            return 1.0;
        }
        double lo = Math.log(MIN);
        double hi = Math.log(MAX);
        double phi = (Math.sqrt(5) - 1) / 2;
        double a = hi - phi * (hi - lo);
        double b = lo + phi * (hi - lo);
        double fa = objective(logits, truth, Math.exp(a));
        double fb = objective(logits, truth, Math.exp(b));
        for (int i = 0; i < 80; i++) {
            if (fa < fb) {
                hi = b;
                b = a;
                fb = fa;
                a = hi - phi * (hi - lo);
                fa = objective(logits, truth, Math.exp(a));
            } else {
                lo = a;
                a = b;
                fa = fb;
                b = lo + phi * (hi - lo);
                fb = objective(logits, truth, Math.exp(b));
            }
        }
        return Math.exp((lo + hi) / 2);
    }

    /** Total NLL plus the prior's penalty 0.5 x (ln T)^2. */
    static double objective(float[][] logits, int[] truth, double t) {
        return nll(logits, truth, t) * logits.length + 0.5 * Math.pow(Math.log(t), 2);
    }

    /** Mean negative log-likelihood of the true labels at temperature t. */
    public static double nll(float[][] logits, int[] truth, double t) {
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            double[] p = softmax(logits[i], t);
            sum -= Math.log(Math.max(p[truth[i]], 1e-12));
        }
        return logits.length == 0 ? 0 : sum / logits.length;
    }

    public static double[] softmax(float[] logits, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l / t);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] / t - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
