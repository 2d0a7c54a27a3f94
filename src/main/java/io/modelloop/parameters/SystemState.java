package io.modelloop.parameters;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * Machine-written state kept beside the parameters (the reference's For-System-Use-Only):
 * it survives restarts so a new pod picks up where the last one stopped.
 *
 * @param runningModelVersion     the model version detection uses, or null
 * @param trainedImageCount       training images used by the last successful training
 * @param trainingRunInProgress   the training run being polled, or null
 * @param lastSampledDetectionId  the detection human sampling last took, or null
 * @param lastSampledAt           that detection's time, or when sampling was last enabled
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SystemState(
        String runningModelVersion,
        int trainedImageCount,
        TrainingRun trainingRunInProgress,
        String lastSampledDetectionId,
        Instant lastSampledAt,
        Instant updatedAt) {

    public static SystemState empty() {
        return new SystemState(null, 0, null, null, null, null);
    }

    /**
     * A training run, recorded before the backend is asked to train, so a restart resumes it
     * instead of starting another.
     *
     * @param runId        the run record
     * @param versionName  the version name asked for (known before the backend answers)
     * @param modelVersion the backend's version id, once created
     * @param phase        CREATING, TRAINING or DEPLOYING
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TrainingRun(String runId, String versionName, String modelVersion, String manifestKey,
                              int imageCount, Instant startedAt, Phase phase, Instant phaseSince) {

        public enum Phase { CREATING, TRAINING, DEPLOYING }

        public TrainingRun in(Phase next, String versionId, Instant now) {
            return new TrainingRun(runId, versionName, versionId, manifestKey, imageCount, startedAt, next, now);
        }
    }

    public SystemState withRunningModelVersion(String v) {
        return new SystemState(v, trainedImageCount, trainingRunInProgress, lastSampledDetectionId, lastSampledAt, updatedAt);
    }

    public SystemState withTrainedImageCount(int n) {
        return new SystemState(runningModelVersion, n, trainingRunInProgress, lastSampledDetectionId, lastSampledAt, updatedAt);
    }

    public SystemState withTrainingRunInProgress(TrainingRun run) {
        return new SystemState(runningModelVersion, trainedImageCount, run, lastSampledDetectionId, lastSampledAt, updatedAt);
    }

    public SystemState withLastSampled(String detectionId, Instant at) {
        return new SystemState(runningModelVersion, trainedImageCount, trainingRunInProgress, detectionId, at, updatedAt);
    }

    SystemState stamped(Instant now) {
        return new SystemState(runningModelVersion, trainedImageCount, trainingRunInProgress, lastSampledDetectionId, lastSampledAt, now);
    }
}
