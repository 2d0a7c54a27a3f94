package io.modelloop.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * Machine-written state kept beside the parameters (the reference's For-System-Use-Only):
 * it survives restarts so a new pod picks up where the last one stopped.
 *
 * @param runningModelVersion     the model version detection uses, or null
 * @param trainedImageCount       training images of the version deployed last (only a deployed
 *                                version's images count as trained)
 * @param refusedImageCount       training images of the last candidate the F1 gate refused: they
 *                                do not trigger another training, but they are not trained either
 * @param trainingRunInProgress   the training run being polled, or null
 * @param lastSampledDetectionId  the detection human sampling last took, or null
 * @param lastSampledAt           that detection's time, or when sampling was last enabled
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SystemState(
        String runningModelVersion,
        int trainedImageCount,
        int refusedImageCount,
        TrainingRun trainingRunInProgress,
        String lastSampledDetectionId,
        Instant lastSampledAt,
        Instant updatedAt) {

    public static SystemState empty() {
        return new SystemState(null, 0, 0, null, null, null, null);
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
        return new SystemState(v, trainedImageCount, refusedImageCount, trainingRunInProgress, lastSampledDetectionId, lastSampledAt, updatedAt);
    }

    public SystemState withTrainedImageCount(int n) {
        return new SystemState(runningModelVersion, n, refusedImageCount, trainingRunInProgress, lastSampledDetectionId, lastSampledAt, updatedAt);
    }

    public SystemState withRefusedImageCount(int n) {
        return new SystemState(runningModelVersion, trainedImageCount, n, trainingRunInProgress, lastSampledDetectionId, lastSampledAt, updatedAt);
    }

    /** Images a training check measures new images against: trained, or refused by the F1 gate. */
    public int imagesSeenByTraining() {
        return Math.max(trainedImageCount, refusedImageCount);
    }

    public SystemState withTrainingRunInProgress(TrainingRun run) {
        return new SystemState(runningModelVersion, trainedImageCount, refusedImageCount, run, lastSampledDetectionId, lastSampledAt, updatedAt);
    }

    public SystemState withLastSampled(String detectionId, Instant at) {
        return new SystemState(runningModelVersion, trainedImageCount, refusedImageCount, trainingRunInProgress, detectionId, at, updatedAt);
    }

    SystemState stamped(Instant now) {
        return new SystemState(runningModelVersion, trainedImageCount, refusedImageCount, trainingRunInProgress, lastSampledDetectionId, lastSampledAt, now);
    }
}
