package io.modelloop.model;

/** The lifecycle of a model version (names as Rekognition Custom Labels uses them). */
public enum ModelStatus {
    TRAINING_IN_PROGRESS,
    TRAINING_COMPLETED,
    TRAINING_FAILED,
    STARTING,
    RUNNING,
    FAILED,
    STOPPING,
    STOPPED,
    DELETING;

    public boolean trainingDone() {
        return this != TRAINING_IN_PROGRESS;
    }
}
