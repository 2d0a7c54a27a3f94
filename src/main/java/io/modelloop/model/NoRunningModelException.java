package io.modelloop.model;

/** The version asked for cannot classify now (not started, stopped, not ready). */
public class NoRunningModelException extends RuntimeException {
    public NoRunningModelException(String message) {
        super(message);
    }

    public NoRunningModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
