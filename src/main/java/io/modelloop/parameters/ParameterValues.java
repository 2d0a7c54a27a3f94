package io.modelloop.parameters;

import static io.modelloop.parameters.ParameterDefinition.*;

import java.util.Map;
import java.util.TreeMap;

/** The parameter values in force: every one valid, typed accessors for the workflows. */
public record ParameterValues(Map<String, String> raw) {

    public ParameterValues {
        raw = Map.copyOf(raw);
    }

    public static ParameterValues defaults() {
        Map<String, String> m = new TreeMap<>();
        ParameterDefinition.ALL.forEach(d -> m.put(d.name(), d.defaultValue()));
        return new ParameterValues(m);
    }

    public String get(String name) {
        return raw.get(name);
    }

    public boolean bool(String name) {
        return Boolean.parseBoolean(raw.get(name));
    }

    public int integer(String name) {
        return Integer.parseInt(raw.get(name));
    }

    public double decimal(String name) {
        return Double.parseDouble(raw.get(name));
    }

    ParameterValues with(String name, String value) {
        Map<String, String> m = new TreeMap<>(raw);
        m.put(name, value);
        return new ParameterValues(m);
    }

    public boolean automaticTrainingEnabled() {
        return bool(ENABLE_AUTOMATIC_TRAINING);
    }

    public int trainingPollMinutes() {
        return integer(AUTOMATIC_TRAINING_POLL_FREQUENCY);
    }

    public int minimumUntrainedImages() {
        return integer(MINIMUM_UNTRAINED_IMAGES);
    }

    public double minimumF1Score() {
        return decimal(MINIMUM_F1_SCORE);
    }

    public int minimumInferenceUnits() {
        return integer(MINIMUM_INFERENCE_UNITS);
    }

    public double minimumLabelDetectionConfidence() {
        return decimal(MINIMUM_LABEL_DETECTION_CONFIDENCE);
    }

    public int humanSamplingInterval() {
        return integer(HUMAN_SAMPLING_INTERVAL);
    }
}
