package io.modelloop.model;

/** A permanent problem with one image (format, size, unreadable): recorded as rejected, never retried. */
public class InvalidImageException extends RuntimeException {
    public InvalidImageException(String reason) {
        super(reason);
    }

    public InvalidImageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
