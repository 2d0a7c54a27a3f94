package io.modelloop.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelloop.config.ConfigurationException;
import io.modelloop.model.ChallengerComparison;
import io.modelloop.model.ModelStatus;
import io.modelloop.model.ModelVersion;
import io.modelloop.model.ModelVersion.LabelMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deployment gate's decision from a candidate's F1 and its comparison with the serving version. */
class ChallengerGateTest {

    final ChallengerGate gate = new ChallengerGate(0.8, 0.02);

    static ChallengerComparison sameImages(double candidate, double serving, Double newLabels, String... added) {
        return new ChallengerComparison("cand", "serving", List.of("cat", "dog"), List.of(added), candidate, serving,
                newLabels, 40, true, "both scored on 40 images");
    }

    @Test
    void belowMinimumF1IsRefusedByRuleA() {
        ChallengerGate.Decision d = gate.minimumF1(0.79);
        assertThat(d.deploy()).isFalse();
        assertThat(d.rule()).isEqualTo(ChallengerGate.Rule.MINIMUM_F1);
        assertThat(d.reason()).contains("0.790", "Minimum-F1-Score 0.8");
        assertThat(gate.minimumF1(0.8).deploy()).isTrue();
    }

    @Test
    void aCandidateWorseThanTheServingVersionBeyondTheToleranceIsRefused() {
        ChallengerGate.Decision d = gate.challenger(sameImages(0.82, 0.95, null));
        assertThat(d.deploy()).isFalse();
        assertThat(d.rule()).isEqualTo(ChallengerGate.Rule.CHALLENGER);
        assertThat(d.reason()).contains("0.820", "0.950", "0.02", "40 held-out image(s) of 2 shared label(s)");
        assertThat(d.numbers()).containsEntry("candidateSharedF1", 0.82).containsEntry("servingSharedF1", 0.95)
                .containsEntry("tolerance", 0.02).containsEntry("images", 40);
    }

    @Test
    void withinTheToleranceOrBetterIsDeployed() {
        assertThat(gate.challenger(sameImages(0.93, 0.95, null)).deploy()).isTrue();
        assertThat(gate.challenger(sameImages(0.98, 0.95, null)).deploy()).isTrue();
        assertThat(gate.challenger(sameImages(0.929, 0.95, null)).deploy()).isFalse();
        assertThat(new ChallengerGate(0.8, 0).challenger(sameImages(0.949, 0.95, null)).deploy()).isFalse();
    }

    @Test
    void newLabelsAreJudgedOnTheirOwnF1AfterTheSharedLabels() {
        ChallengerGate.Decision weakNew = gate.challenger(sameImages(0.96, 0.95, 0.5, "bird"));
        assertThat(weakNew.deploy()).isFalse();
        assertThat(weakNew.rule()).isEqualTo(ChallengerGate.Rule.NEW_LABEL_F1);
        assertThat(weakNew.reason()).contains("0.500", "bird", "Minimum-F1-Score 0.8");

        ChallengerGate.Decision goodNew = gate.challenger(sameImages(0.96, 0.95, 0.9, "bird"));
        assertThat(goodNew.deploy()).isTrue();
        assertThat(goodNew.rule()).isEqualTo(ChallengerGate.Rule.NEW_LABEL_F1);

        // worse on the shared labels: refused by the comparison, whatever the new labels give
        assertThat(gate.challenger(sameImages(0.6, 0.95, 0.9, "bird")).rule()).isEqualTo(ChallengerGate.Rule.CHALLENGER);
    }

    @Test
    void recordedMetricsAreComparedOnTheSharedLabelsWithTheNewOnesApart() {
        ModelVersion serving = version("s", 0.95, Map.of("cat", m(0.96, 20), "dog", m(0.94, 20)));
        ModelVersion candidate = version("c", 0.8, Map.of("cat", m(0.9, 20), "dog", m(0.9, 20), "bird", m(0.6, 5),
                "fish", m(0, 0)));
        ChallengerComparison c = ChallengerComparison.fromRecorded(candidate, serving, "own splits");
        assertThat(c.sharedLabels()).containsExactly("cat", "dog");
        assertThat(c.newLabels()).containsExactly("bird"); // fish has no test image: nothing to judge
        assertThat(c.candidateSharedF1()).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.servingSharedF1()).isCloseTo(0.95, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.candidateNewLabelsF1()).isEqualTo(0.6);
        assertThat(c.sameImages()).isFalse();
        assertThat(gate.challenger(c).reason()).contains("each version on its own test split");

        // without per-label metrics the overall F1s are compared
        ChallengerComparison overall = ChallengerComparison.fromRecorded(version("c", 0.9, null), serving, "own splits");
        assertThat(overall.candidateSharedF1()).isEqualTo(0.9);
        assertThat(overall.servingSharedF1()).isEqualTo(0.95);
        assertThat(overall.method()).contains("overall F1s");
        assertThat(gate.challenger(overall).deploy()).isFalse();
    }

    @Test
    void nothingToCompareLeavesRuleAToDecide() {
        ChallengerComparison none = new ChallengerComparison("c", "s", List.of(), List.of(), null, null, null, 0, false,
                "no metrics");
        ChallengerGate.Decision d = gate.challenger(none);
        assertThat(d.deploy()).isTrue();
        assertThat(d.reason()).contains("no shared-label F1 to compare");
    }

    @Test
    void theToleranceIsAnF1Difference() {
        assertThat(ChallengerGate.tolerance(" 0.05 ")).isEqualTo(0.05);
        assertThatThrownBy(() -> ChallengerGate.tolerance("-0.1")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("modelloop.training.challenger-tolerance");
        assertThatThrownBy(() -> ChallengerGate.tolerance("lots")).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void sharedLabelMacroF1CountsAPredictionOfAnotherLabelAsAMiss() {
        List<String> truth = List.of("cat", "cat", "dog", "dog");
        // the candidate calls one cat "bird", a label the serving version does not know
        assertThat(io.modelloop.model.MacroF1.of(truth, List.of("cat", "bird", "dog", "dog"),
                java.util.Set.of("cat", "dog"))).isCloseTo((2.0 / 3 + 1) / 2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(io.modelloop.model.MacroF1.of(truth, truth, java.util.Set.of("cat", "dog"))).isEqualTo(1.0);
        assertThat(io.modelloop.model.MacroF1.of(truth, truth, java.util.Set.of("fish"))).isNull();
    }

    static LabelMetrics m(double f1, int support) {
        return new LabelMetrics(f1, f1, f1, support);
    }

    static ModelVersion version(String id, double f1, Map<String, LabelMetrics> perLabel) {
        return new ModelVersion(id, id, ModelStatus.TRAINING_COMPLETED, null, f1, perLabel, null, null, null, null, null, null);
    }
}
