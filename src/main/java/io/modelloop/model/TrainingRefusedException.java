package io.modelloop.model;

/** The training data cannot make a model (e.g. a single label); the message says why. */
public class TrainingRefusedException extends RuntimeException {
    public TrainingRefusedException(String reason) {
        super(reason);
    }
}
