package io.modelloop.model;

import java.util.List;

/**
 * The model port: one implementation per backend (Rekognition Custom Labels, the built-in DJL
 * model). Training and starting are asynchronous, like Rekognition's: they return at once and
 * {@link #describe} reports the lifecycle (SPEC section 6). A backend that knows the moment a
 * training or a start finishes may also tell {@link VersionListener}s, so the training pipeline
 * moves on at once instead of at its next poll.
 *
 * <p>Errors: {@link NoRunningModelException} when the version cannot serve,
 * {@link InvalidImageException} for a permanent problem with one image (never retried),
 * {@link TransientModelException} for throttling and other faults worth retrying.
 */
public interface ModelBackend {

    /** Short name used in configuration (modelloop.model.backend). */
    String name();

    /** Told that a version has finished training or starting. */
    @FunctionalInterface
    interface VersionListener {

        /**
         * @param version the version as {@link #describe} now reports it: TRAINING_COMPLETED or
         *                TRAINING_FAILED after a training, RUNNING or FAILED after a start
         */
        void finished(ModelVersion version);
    }

    /**
     * Registers a listener told, on the backend's own thread and after the new status is
     * recorded (so {@link #describe} already reports it), each time a training this instance ran
     * or a start it made finishes. It must return quickly and never throw. The default tells
     * nothing: a backend that learns the status only by being asked (Rekognition) is polled.
     */
    default void addVersionListener(VersionListener listener) {
    }

    /**
     * Starts training a new version from a Ground Truth manifest; returns the version,
     * TRAINING_IN_PROGRESS. Asked again for a version name that exists (a retry after a crash),
     * it returns that version and trains nothing new.
     */
    ModelVersion createVersion(TrainingRequest request);

    /** The version's current state; throws {@link ModelVersionNotFoundException} when unknown. */
    ModelVersion describe(String versionId);

    /** Every version of this backend's project, newest first. */
    List<ModelVersion> listVersions();

    /** Asks a trained version to serve with this many inference units (replicas hint for the built-in model). */
    void start(String versionId, int inferenceUnits);

    /** Asks a version to stop serving. */
    void stop(String versionId);

    /** Cancels a training in progress; false when the backend cannot (Rekognition cannot). */
    boolean cancelTraining(String versionId);

    /** Classifies one image in the bucket with a RUNNING version. */
    Classification classify(String versionId, ImageRef image);

    /**
     * The label a RUNNING version gives one image, for scoring a version on labelled images. A
     * backend may skip what only the confidence needs (the built-in model's familiarity check);
     * the label is the one {@link #classify} gives.
     */
    default Prediction predict(String versionId, ImageRef image) {
        return Prediction.of(classify(versionId, image));
    }

    /**
     * {@link #predict} for many images, in their order; null for an image that is not a readable
     * image ({@link InvalidImageException}). Any other failure fails the call. The built-in model
     * runs its network on batches of images, which costs a fraction of one image at a time.
     */
    default List<Prediction> predictAll(String versionId, List<ImageRef> images) {
        List<Prediction> out = new java.util.ArrayList<>(images.size());
        for (ImageRef image : images) {
            try {
                out.add(predict(versionId, image));
            } catch (InvalidImageException e) {
                out.add(null);
            }
        }
        return out;
    }

    /**
     * The trained candidate against the serving version for the champion/challenger gate: both
     * scored on the same held-out images where the backend can, else on the per-label metrics
     * each recorded on its own test split (the comparison's method says which). The default is
     * the latter.
     */
    default ChallengerComparison compare(String candidateId, String servingId) {
        return ChallengerComparison.fromRecorded(describe(candidateId), describe(servingId),
                "recorded per-label F1 of each version, each on its own test split");
    }
}
