package io.modelloop.parameters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of SPEC section 3, checked through each parameter that uses it. */
class ParameterRuleTest {

    private static final List<String> BOOLEANS = List.of(
            ParameterDefinition.ENABLE_AUTOMATIC_TRAINING, ParameterDefinition.ENABLE_A2I_WORKFLOW,
            ParameterDefinition.ENABLE_AUTOMATIC_HUMAN_SAMPLING);
    private static final List<String> INTEGERS = List.of(
            ParameterDefinition.AUTOMATIC_TRAINING_POLL_FREQUENCY, ParameterDefinition.MINIMUM_UNTRAINED_IMAGES,
            ParameterDefinition.MINIMUM_INFERENCE_UNITS, ParameterDefinition.AUTOMATIC_HUMAN_SAMPLING_FREQUENCY,
            ParameterDefinition.HUMAN_SAMPLING_INTERVAL);

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String p : BOOLEANS) {
            for (String ok : List.of("true", "false", "TRUE", "False", "tRuE")) {
                b.add(Arguments.of(p, ok, true));
            }
            for (String bad : List.of("yes", "no", "1", "0", "", " ", "truee", "on")) {
                b.add(Arguments.of(p, bad, false));
            }
        }
        for (String p : INTEGERS) {
            for (String ok : List.of("1", "600", "10", "1000")) {
                b.add(Arguments.of(p, ok, true));
            }
            for (String bad : List.of("ten", "1,000", "-3", "1.5", "0", "", "+5", "1e3", "99999999999")) {
                b.add(Arguments.of(p, bad, false));
            }
        }
        String f1 = ParameterDefinition.MINIMUM_F1_SCORE;
        for (String ok : List.of("0", "1", "0.8", "1.0", "0.95")) {
            b.add(Arguments.of(f1, ok, true));
        }
        for (String bad : List.of("1.5", "-0.1", "abc", "", "1.01", "0,8", "80%")) {
            b.add(Arguments.of(f1, bad, false));
        }
        String conf = ParameterDefinition.MINIMUM_LABEL_DETECTION_CONFIDENCE;
        for (String ok : List.of("0", "70", "100", "99.5")) {
            b.add(Arguments.of(conf, ok, true));
        }
        for (String bad : List.of("150", "-1", "100.1", "abc", "", "70%")) {
            b.add(Arguments.of(conf, bad, false));
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} = \"{1}\" accepted: {2}")
    @MethodSource("cases")
    void ruleAcceptsOnlyWhatTheSpecAllows(String parameter, String value, boolean accepted) {
        ParameterDefinition d = ParameterDefinition.find(parameter).orElseThrow();
        assertThat(d.rule().accepts(value)).as("%s accepts '%s'", parameter, value).isEqualTo(accepted);
        if (accepted) {
            ParameterService.validate(d, value); // no exception
        } else {
            assertThatThrownBy(() -> ParameterService.validate(d, value))
                    .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
                        assertThat(e.parameter()).isEqualTo(parameter);
                        assertThat(e.value()).isEqualTo(value);
                        assertThat(e.rule()).isEqualTo(d.rule().description());
                        assertThat(e.getMessage()).contains(parameter, d.rule().description());
                    });
        }
    }

    @Test
    void nullIsNeverAccepted() {
        for (ParameterRule r : ParameterRule.values()) {
            assertThat(r.accepts(null)).as(r.name()).isFalse();
        }
    }

    @Test
    void booleansAreStoredInLowerCase() {
        assertThat(ParameterRule.BOOLEAN.canonical("TRUE")).isEqualTo("true");
        assertThat(ParameterRule.BOOLEAN.canonical("False")).isEqualTo("false");
        assertThat(ParameterRule.WHOLE_NUMBER_AT_LEAST_1.canonical(" 600 ")).isEqualTo("600");
    }

    @Test
    void theTenParametersHaveTheSpecDefaultsAndRules() {
        assertThat(ParameterDefinition.ALL).extracting(ParameterDefinition::name, ParameterDefinition::defaultValue)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Enable-Automatic-Training", "true"),
                        org.assertj.core.groups.Tuple.tuple("Automatic-Training-Poll-Frequency", "600"),
                        org.assertj.core.groups.Tuple.tuple("Minimum-Untrained-Images", "10"),
                        org.assertj.core.groups.Tuple.tuple("Minimum-F1-Score", "0.8"),
                        org.assertj.core.groups.Tuple.tuple("Minimum-Inference-Units", "1"),
                        org.assertj.core.groups.Tuple.tuple("Minimum-Label-Detection-Confidence", "70"),
                        org.assertj.core.groups.Tuple.tuple("Enable-A2I-Workflow", "true"),
                        org.assertj.core.groups.Tuple.tuple("Enable-Automatic-Human-Sampling", "true"),
                        org.assertj.core.groups.Tuple.tuple("Automatic-Human-Sampling-Frequency", "600"),
                        org.assertj.core.groups.Tuple.tuple("Human-Sampling-Interval", "1000"));
        for (ParameterDefinition d : ParameterDefinition.ALL) {
            assertThat(d.rule().accepts(d.defaultValue())).as("default of %s passes its rule", d.name()).isTrue();
        }
    }
}
