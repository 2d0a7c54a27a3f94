package io.modelloop.review;

/**
 * An answer the built-in review service refuses, with the HTTP status the API answers:
 * 400 (invalid label or reviewer), 404 (unknown loop), 409 (already answered).
 */
public final class ReviewRefusedException extends RuntimeException {

    public enum Reason {
        INVALID(400), NOT_FOUND(404), ALREADY_ANSWERED(409);

        public final int httpStatus;

        Reason(int httpStatus) {
            this.httpStatus = httpStatus;
        }
    }

    private final Reason reason;

    public ReviewRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
