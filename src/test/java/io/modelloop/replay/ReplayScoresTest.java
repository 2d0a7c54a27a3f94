package io.modelloop.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's numbers: macro-F1 over every test label, area under the curve, labels to reach a target F1. */
class ReplayScoresTest {

    @Test
    void aLabelTheModelDoesNotKnowScoresZeroInTheMacroF1() {
        List<String[]> pairs = List.of(new String[] {"a", "a"}, new String[] {"a", "a"}, new String[] {"b", "b"},
                new String[] {"c", "a"}, new String[] {"c", Evaluator.NONE});
        // a: tp 2, fp 1 -> 0.8; b: 1.0; c: never predicted -> 0
        assertThat(Evaluator.macroF1(pairs, List.of("a", "b", "c"))).isCloseTo((0.8 + 1.0 + 0) / 3, within(1e-9));
        assertThat(Evaluator.accuracy(pairs)).isCloseTo(0.6, within(1e-9));
    }

    @Test
    void summaryComparesPoliciesOnTheLabelAxis() {
        RunResult confidence = run("confidence", new int[] {0, 50, 100}, new double[] {0.2, 0.7, 0.8});
        RunResult random = run("random", new int[] {0, 50, 100}, new double[] {0.2, 0.5, 0.7});
        assertThat(ReplaySummary.area(confidence)).isCloseTo(50 * 0.45 + 50 * 0.75, within(1e-9));
        var summary = ReplaySummary.of(List.of(confidence, random));
        assertThat(summary.get("confidence").get("labelsToReachRandomFinalF1Mean")).isEqualTo(50.0);
        assertThat(summary.get("confidence").get("labelsToReachRandomFinalF1Share")).isEqualTo(0.5);
        assertThat(summary.get("random").get("finalF1Mean")).isEqualTo(0.7);
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(new Point(1, 40, 10, 5, 5, List.of(),
                List.of(), "deployed", "", "v", 0.5, 0.5, 1, java.util.Map.of())).path("reviewedShare").asDouble()).isEqualTo(0.25);
        assertThat((double) summary.get("confidence").get("areaUnderCurveMean"))
                .isGreaterThan((double) summary.get("random").get("areaUnderCurveMean"));
    }

    private static RunResult run(String policy, int[] labels, double[] f1) {
        List<Point> points = new java.util.ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            points.add(new Point(i, 10, 0, 0, labels[i], List.of("a", "b"), List.of(), "deployed", "", "v" + i, f1[i], f1[i], i, java.util.Map.of()));
        }
        return new RunResult(policy, 1, 10, 100, points, java.util.Map.of());
    }
}
