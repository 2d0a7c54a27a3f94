package io.modelloop.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a {@code replay.json} of bench/loop-replay.sh and prints, per policy, the learning curve
 * averaged over seeds (mean and min-max of macro-F1 per batch) and issue #11's targets on those
 * means: met or missed, with the measured figure.
 */
public final class LoopReplayTargets {

    private LoopReplayTargets() {
    }

    public static void main(String[] args) throws Exception {
        JsonNode report = new ObjectMapper().readTree(Path.of(System.getProperty("bench.report")).toFile());
        int allLabels = report.path("labels").size();
        for (String policy : List.of("confidence", "random", "all")) {
            printCurve(policy, runs(report, policy));
        }
        List<JsonNode> confidence = runs(report, "confidence");
        List<JsonNode> random = runs(report, "random");
        if (confidence.isEmpty() || random.isEmpty()) {
            System.out.println("targets need both the confidence and the random policy");
            return;
        }
        System.out.println();
        System.out.println("Targets (means over seeds)");
        long discoveredAll = confidence.stream().filter(r -> last(r).path("knownLabels").size() == allLabels).count();
        target("confidence discovers all " + allLabels + " labels in every seed",
                discoveredAll + " of " + confidence.size() + " runs", discoveredAll == confidence.size());
        double confFinal = mean(confidence, r -> last(r).path("macroF1").asDouble());
        double randFinal = mean(random, r -> last(r).path("macroF1").asDouble());
        target("final F1 at least 0.03 above random", f("confidence %.3f, random %.3f, difference %+.3f", confFinal, randFinal,
                confFinal - randFinal), confFinal - randFinal >= 0.03);
        // the report's own summary: the same trapezoid the HTML shows
        double confArea = report.path("summary").path("confidence").path("areaUnderCurveMean").asDouble();
        double randArea = report.path("summary").path("random").path("areaUnderCurveMean").asDouble();
        target("larger area under F1 against labels", f("confidence %.0f, random %.0f", confArea, randArea), confArea > randArea);
        double randLabels = mean(random, r -> last(r).path("humanLabels").asDouble());
        Double reach = labelsToReach(meanCurve(confidence), randFinal);
        target("reaches random's final F1 with at most 70 % of its labels",
                reach == null ? f("never reached %.3f (random used %.0f labels)", randFinal, randLabels)
                        : f("%.0f labels of random's %.0f (%.0f %%)", reach, randLabels, 100 * reach / randLabels),
                reach != null && reach <= 0.7 * randLabels);
        double minutes = report.path("wallSeconds").asDouble() / 60;
        target("whole replay under 20 minutes on 2 cores", f("%.1f min", minutes), minutes < 20);
    }

    private static List<JsonNode> runs(JsonNode report, String policy) {
        List<JsonNode> out = new ArrayList<>();
        report.path("runs").forEach(r -> {
            if (policy.equals(r.path("policy").asText())) {
                out.add(r);
            }
        });
        return out;
    }

    private static JsonNode last(JsonNode run) {
        JsonNode points = run.path("points");
        return points.get(points.size() - 1);
    }

    /** Per batch: mean human labels, mean F1, min F1, max F1 over the runs (the shortest run decides the length). */
    private static List<double[]> meanCurve(List<JsonNode> runs) {
        int n = runs.stream().mapToInt(r -> r.path("points").size()).min().orElse(0);
        List<double[]> curve = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double labels = 0;
            double f1 = 0;
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (JsonNode r : runs) {
                JsonNode p = r.path("points").get(i);
                labels += p.path("humanLabels").asDouble();
                double v = p.path("macroF1").asDouble();
                f1 += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            curve.add(new double[] {labels / runs.size(), f1 / runs.size(), min, max});
        }
        return curve;
    }

    /** Labels at which the mean curve first reaches f1, interpolated between batches; null if never. */
    private static Double labelsToReach(List<double[]> curve, double f1) {
        for (int i = 0; i < curve.size(); i++) {
            double[] p = curve.get(i);
            if (p[1] >= f1) {
                if (i == 0) {
                    return p[0];
                }
                double[] q = curve.get(i - 1);
                return q[0] + (p[0] - q[0]) * (f1 - q[1]) / (p[1] - q[1]);
            }
        }
        return null;
    }

    private static void printCurve(String policy, List<JsonNode> runs) {
        if (runs.isEmpty()) {
            return;
        }
        System.out.println();
        System.out.println(policy + " (" + runs.size() + " seed(s)): batch, human labels, macro-F1 mean [min - max]");
        List<double[]> curve = meanCurve(runs);
        for (int i = 0; i < curve.size(); i++) {
            double[] p = curve.get(i);
            System.out.println(f("  %d  %5.0f  %.3f [%.3f - %.3f]", i, p[0], p[1], p[2], p[3]));
        }
    }

    private static double mean(List<JsonNode> runs, java.util.function.ToDoubleFunction<JsonNode> f) {
        return runs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static void target(String what, String measured, boolean met) {
        System.out.println((met ? "  met     " : "  MISSED  ") + what + ": " + measured);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
