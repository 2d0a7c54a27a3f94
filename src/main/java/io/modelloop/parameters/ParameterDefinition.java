package io.modelloop.parameters;

import java.util.List;
import java.util.Optional;

/** One of the ten runtime parameters of SPEC section 3. */
public record ParameterDefinition(String name, ParameterRule rule, String defaultValue, String meaning) {

    public static final String ENABLE_AUTOMATIC_TRAINING = "Enable-Automatic-Training";
    public static final String AUTOMATIC_TRAINING_POLL_FREQUENCY = "Automatic-Training-Poll-Frequency";
    public static final String MINIMUM_UNTRAINED_IMAGES = "Minimum-Untrained-Images";
    public static final String MINIMUM_F1_SCORE = "Minimum-F1-Score";
    public static final String MINIMUM_INFERENCE_UNITS = "Minimum-Inference-Units";
    public static final String MINIMUM_LABEL_DETECTION_CONFIDENCE = "Minimum-Label-Detection-Confidence";
    public static final String ENABLE_A2I_WORKFLOW = "Enable-A2I-Workflow";
    public static final String ENABLE_AUTOMATIC_HUMAN_SAMPLING = "Enable-Automatic-Human-Sampling";
    public static final String AUTOMATIC_HUMAN_SAMPLING_FREQUENCY = "Automatic-Human-Sampling-Frequency";
    public static final String HUMAN_SAMPLING_INTERVAL = "Human-Sampling-Interval";

    /** Machine-written system state, stored beside the parameters and never set by hand. */
    public static final String SYSTEM_STATE = "For-System-Use-Only";

    /**
     * The last valid value of each parameter, machine-written, so a restart with an invalid
     * stored value keeps the value that was in force rather than falling back to the default.
     * Separate from {@link #SYSTEM_STATE}: every instance writes it, only the leader writes that.
     */
    public static final String VALUES_IN_FORCE = "For-System-Use-Only-Values-In-Force";

    public static final List<ParameterDefinition> ALL = List.of(
            new ParameterDefinition(ENABLE_AUTOMATIC_TRAINING, ParameterRule.BOOLEAN, "true",
                    "schedule of training checks on/off"),
            new ParameterDefinition(AUTOMATIC_TRAINING_POLL_FREQUENCY, ParameterRule.WHOLE_NUMBER_AT_LEAST_1, "600",
                    "minutes between training checks"),
            new ParameterDefinition(MINIMUM_UNTRAINED_IMAGES, ParameterRule.WHOLE_NUMBER_AT_LEAST_1, "10",
                    "new labeled images since the last successful training needed to train"),
            new ParameterDefinition(MINIMUM_F1_SCORE, ParameterRule.FRACTION_0_TO_1, "0.8",
                    "a trained model is deployed only if its F1 is at least this"),
            new ParameterDefinition(MINIMUM_INFERENCE_UNITS, ParameterRule.WHOLE_NUMBER_AT_LEAST_1, "1",
                    "inference units (Rekognition) or replicas hint (built-in) when starting a model"),
            new ParameterDefinition(MINIMUM_LABEL_DETECTION_CONFIDENCE, ParameterRule.PERCENT_0_TO_100, "70",
                    "a detection below this confidence goes to human review"),
            new ParameterDefinition(ENABLE_A2I_WORKFLOW, ParameterRule.BOOLEAN, "true",
                    "low-confidence human review on/off"),
            new ParameterDefinition(ENABLE_AUTOMATIC_HUMAN_SAMPLING, ParameterRule.BOOLEAN, "true",
                    "quality sampling on/off"),
            new ParameterDefinition(AUTOMATIC_HUMAN_SAMPLING_FREQUENCY, ParameterRule.WHOLE_NUMBER_AT_LEAST_1, "600",
                    "minutes between sampling checks"),
            new ParameterDefinition(HUMAN_SAMPLING_INTERVAL, ParameterRule.WHOLE_NUMBER_AT_LEAST_1, "1000",
                    "one sample per this many detections"));

    public static Optional<ParameterDefinition> find(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst();
    }
}
