package io.modelloop.review;

/** A human-review backend call that failed and was not retried into success; the message says what and why. */
public class HumanReviewException extends RuntimeException {

    public HumanReviewException(String message) {
        super(message);
    }

    public HumanReviewException(String message, Throwable cause) {
        super(message, cause);
    }
}
