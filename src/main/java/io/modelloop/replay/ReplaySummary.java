package io.modelloop.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per policy, over its seeds: final macro-F1 (mean and standard deviation), area under the
 * F1-against-human-labels curve, labels used, labels discovered, and how many labels it took to
 * reach the random policy's mean final F1.
 */
final class ReplaySummary {

    private ReplaySummary() {
    }

    static Map<String, Map<String, Object>> of(List<RunResult> runs) {
        Map<String, List<RunResult>> byPolicy = new LinkedHashMap<>();
        runs.forEach(r -> byPolicy.computeIfAbsent(r.policy(), k -> new ArrayList<>()).add(r));
        Double randomFinal = byPolicy.containsKey(Policy.RANDOM.id())
                ? mean(byPolicy.get(Policy.RANDOM.id()).stream().map(r -> r.last().macroF1()).toList()) : null;
        Double randomLabels = byPolicy.containsKey(Policy.RANDOM.id())
                ? mean(byPolicy.get(Policy.RANDOM.id()).stream().map(r -> (double) r.last().humanLabels()).toList()) : null;
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        byPolicy.forEach((policy, list) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            List<Double> finals = list.stream().map(r -> r.last().macroF1()).toList();
            m.put("runs", list.size());
            m.put("finalF1Mean", mean(finals));
            m.put("finalF1Std", std(finals));
            m.put("finalAccuracyMean", mean(list.stream().map(r -> r.last().accuracy()).toList()));
            m.put("areaUnderCurveMean", mean(list.stream().map(ReplaySummary::area).toList()));
            m.put("areaUnderCurveStd", std(list.stream().map(ReplaySummary::area).toList()));
            m.put("labelsUsedMean", mean(list.stream().map(r -> (double) r.last().humanLabels()).toList()));
            m.put("reviewedMean", mean(list.stream().map(r -> (double) r.points().stream().mapToInt(Point::reviewed).sum())
                    .toList()));
            m.put("labelsDiscoveredMean", mean(list.stream().map(r -> (double) r.last().discovered().size()).toList()));
            m.put("knownLabelsMean", mean(list.stream().map(r -> (double) r.last().knownLabels().size()).toList()));
            if (randomFinal != null) {
                List<Double> reached = new ArrayList<>();
                int never = 0;
                for (RunResult r : list) {
                    Integer n = labelsToReach(r, randomFinal);
                    if (n == null) {
                        never++;
                    } else {
                        reached.add((double) n);
                    }
                }
                Double meanReached = reached.isEmpty() ? null : mean(reached);
                m.put("labelsToReachRandomFinalF1Mean", meanReached);
                m.put("runsNeverReachingRandomFinalF1", never);
                m.put("labelsToReachRandomFinalF1Share", meanReached == null || randomLabels == null || randomLabels == 0
                        ? null : meanReached / randomLabels);
            }
            out.put(policy, m);
        });
        return out;
    }

    /** Trapezoid area under macro-F1 against cumulative human labels (0 for a run without labels). */
    static double area(RunResult r) {
        double a = 0;
        List<Point> p = r.points();
        for (int i = 1; i < p.size(); i++) {
            double dx = p.get(i).humanLabels() - p.get(i - 1).humanLabels();
            a += dx * (p.get(i).macroF1() + p.get(i - 1).macroF1()) / 2;
        }
        return a;
    }

    /** Human labels at the first point with macro-F1 at least {@code f1}; null when never. */
    static Integer labelsToReach(RunResult r, double f1) {
        for (Point p : r.points()) {
            if (p.macroF1() >= f1 - 1e-9) {
                return p.humanLabels();
            }
        }
        return null;
    }

    static double mean(List<Double> v) {
        return v.isEmpty() ? 0 : v.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    /** Sample standard deviation; 0 for one value. */
    static double std(List<Double> v) {
        if (v.size() < 2) {
            return 0;
        }
        double m = mean(v);
        return Math.sqrt(v.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / (v.size() - 1));
    }
}
