package io.modelloop.model;

/** Throttling or another fault that a retry with back-off may get past. */
public class TransientModelException extends RuntimeException {
    public TransientModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
