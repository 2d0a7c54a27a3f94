package io.modelloop.model;

/** The backend has no version with that id. */
public class ModelVersionNotFoundException extends RuntimeException {
    public ModelVersionNotFoundException(String versionId) {
        super("No model version " + versionId);
    }
}
