package io.modelloop.model.builtin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.modelloop.model.ModelStatus;
import io.modelloop.model.ModelVersion;
import io.modelloop.model.ModelVersion.LabelMetrics;
import io.modelloop.model.ModelVersion.TrainingProgress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * models/&lt;version&gt;/model.json: everything another pod needs to describe, load and serve a
 * version, and its lifecycle status (rewritten at every change).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class VersionRecord {

    public int formatVersion = 1;
    public String name;
    public ModelStatus status;
    public String statusMessage;
    public Instant createdAt;
    public Instant updatedAt;
    public Instant trainingStartedAt;
    public Instant trainingEndedAt;
    public Double trainingSeconds;
    /** The training's outcome in words; statusMessage later describes the serving status instead. */
    public String trainingSummary;

    /** s3:// URI of the manifest trained from, and the image count the caller announced. */
    public String manifest;
    public Integer requestedImageCount;

    public List<String> labels;
    public Map<String, Integer> imagesPerLabel;
    public List<String> trainOnlyLabels;
    public Integer imageSize;
    /** What the network saw of each image; null for versions trained before it was recorded (RGB). */
    public ImageInput input;
    public Architecture architecture;
    /** Why the configured backbone was not used and the CNN was trained from scratch instead. */
    public String backboneFallback;
    public Normalisation normalisation;
    /** Key of the trained block's parameters (DJL format) in the bucket. */
    public String parametersKey;
    public TrainerRecord trainer;
    /**
     * Key of held-out.json (the held-out images, their labels and this version's predictions), for
     * the champion/challenger gate; null for versions trained before it was recorded.
     */
    public String heldOutKey;

    /** Softmax temperature: confidence = softmax(logits / temperature) x 100. */
    public Double temperature;
    public CalibrationRecord calibration;
    /** How familiarity is scored (null for versions trained before it existed: confidence is the class probability). */
    public FamiliarityRecord familiarity;
    /**
     * How the version's confidence (class probability and familiarity) was calibrated, and what it
     * gives on the version's own held-out images: shown by GET /api/models and the models page.
     */
    public ModelVersion.Calibration confidenceCalibration;

    /** Macro F1: the unweighted mean of per-label F1 over labels with test images. */
    public Double f1;
    public String f1Averaging;
    public Double accuracy;
    public Map<String, LabelMetrics> perLabel;
    public Map<String, Map<String, Integer>> confusion;
    public Integer trainingImages;
    public Integer testImages;
    public List<String> skippedImages;

    public TrainingProgress progress;
    /** The pod (backend instance) training it, and when it last reported. */
    public String owner;
    public Instant heartbeatAt;
    /** The training process: host, process id and the process's start time (a pid is reused). */
    public String ownerHost;
    public Long ownerPid;
    public Instant ownerProcessStartedAt;
    /** How many times the training was started (restarts after its process died count). */
    public Integer trainingAttempts;
    /** Where the evaluation goes (the request's output prefix), to restart the training as asked. */
    public String outputPrefix;
    public Integer inferenceUnits;

    public record TrainerRecord(int epochs, int batchSize, double learningRate, long seed, double testFraction,
                                boolean augment) {
    }

    /**
     * @param fittedOn  what the temperature was fitted on
     * @param images    how many images
     * @param nllBefore mean negative log-likelihood at temperature 1
     * @param nllAfter  mean negative log-likelihood at the fitted temperature
     */
    public record CalibrationRecord(String fittedOn, int images, double nllBefore, double nllAfter) {
    }

    /**
     * @param method         how familiarity is measured, in words
     * @param indexKey       key of the familiarity index (the training images' features) in the bucket
     * @param scale          similarity to familiarity mapping fitted on the version's own images
     * @param indexedImages  images in the index
     * @param fittedOn       how many similarities the scale was fitted on, and which
     * @param inkIndexKey    key of the ink-map index (null for indexes without one)
     * @param inkScale       ink similarity to familiarity mapping
     */
    public record FamiliarityRecord(String method, String indexKey, FamiliarityScale scale, int indexedImages,
                                    String fittedOn, String inkIndexKey, FamiliarityScale inkScale) {
    }

    /** The input the version was trained with (and must be served with). */
    public ImageInput inputOrDefault() {
        return input == null ? ImageInput.RGB : input;
    }

    /** A deep copy. */
    public VersionRecord copy() {
        return ArtifactStore.JSON.convertValue(this, VersionRecord.class);
    }

    public ModelVersion toModelVersion() {
        return new ModelVersion(name, name, status, statusMessage, f1, perLabel, confusion, trainingImages, testImages,
                skippedImages, createdAt, progress, confidenceCalibration, backboneFallback);
    }
}
