package io.modelloop.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One model version as the backend reports it.
 *
 * @param id              the backend's handle (Rekognition: the project version ARN; built-in: the name)
 * @param name            the version name
 * @param f1              overall F1 on the held-out test images, once trained
 * @param perLabel        per-label precision, recall and F1, when the backend gives them
 * @param confusion       confusion matrix rows (true label -> predicted label -> count), built-in only
 * @param skippedImages   images the training could not read (key and reason), built-in only
 * @param progress        training progress while TRAINING_IN_PROGRESS, when known
 * @param calibration     how the version's confidence was calibrated and what it gives on the version's own
 *                        held-out images, built-in only
 * @param backboneFallback built-in only: why the configured pretrained backbone could not be had and the
 *                        network was trained from scratch instead (null when it was used, or none is configured)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelVersion(
        String id,
        String name,
        ModelStatus status,
        String statusMessage,
        Double f1,
        Map<String, LabelMetrics> perLabel,
        Map<String, Map<String, Integer>> confusion,
        Integer trainingImages,
        Integer testImages,
        List<String> skippedImages,
        Instant createdAt,
        TrainingProgress progress,
        Calibration calibration,
        String backboneFallback) {

    public ModelVersion(String id, String name, ModelStatus status, String statusMessage, Double f1,
                        Map<String, LabelMetrics> perLabel, Map<String, Map<String, Integer>> confusion,
                        Integer trainingImages, Integer testImages, List<String> skippedImages, Instant createdAt,
                        TrainingProgress progress, Calibration calibration) {
        this(id, name, status, statusMessage, f1, perLabel, confusion, trainingImages, testImages, skippedImages,
                createdAt, progress, calibration, null);
    }

    public ModelVersion(String id, String name, ModelStatus status, String statusMessage, Double f1,
                        Map<String, LabelMetrics> perLabel, Map<String, Map<String, Integer>> confusion,
                        Integer trainingImages, Integer testImages, List<String> skippedImages, Instant createdAt,
                        TrainingProgress progress) {
        this(id, name, status, statusMessage, f1, perLabel, confusion, trainingImages, testImages, skippedImages,
                createdAt, progress, null, null);
    }

    /** Precision, recall and F1 of one label on the test images, and how many test images it had. */
    public record LabelMetrics(double precision, double recall, double f1, int support) {
    }

    /**
     * A version's confidence calibration, measured on held-out images of its own training set.
     *
     * @param method                   how confidence is computed, in words
     * @param images                   how many held-out images it was fitted and measured on
     * @param temperature              the softmax temperature, when one was fitted
     * @param expectedCalibrationError expected calibration error of the class probability (0-1, lower is better)
     * @param heldOutBelow70           share (0-1) of held-out images whose confidence is below 70
     * @param heldOutUnfamiliarBelow70 share (0-1) of held-out images whose familiarity alone is below 70
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Calibration(String method, int images, Double temperature, Double expectedCalibrationError,
                              Double heldOutBelow70, Double heldOutUnfamiliarBelow70) {
    }

    /** Where a training stands: epoch out of epochs and the last loss. */
    public record TrainingProgress(int epoch, int epochs, double loss) {
    }
}
