package io.modelloop.review;

import io.modelloop.detection.HumanLoop;

/**
 * A request the built-in review service refuses, with the HTTP status the API answers:
 * 400 (invalid label or reviewer), 404 (unknown loop), 409 (already answered, or held by another
 * reviewer).
 */
public final class ReviewRefusedException extends RuntimeException {

    public enum Reason {
        INVALID(400), NOT_FOUND(404), ALREADY_ANSWERED(409), HELD(409);

        public final int httpStatus;

        Reason(int httpStatus) {
            this.httpStatus = httpStatus;
        }
    }

    private final Reason reason;
    private final transient HumanLoop loop;

    public ReviewRefusedException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** @param loop the loop as read when refusing, so the caller can show who holds or answered it */
    public ReviewRefusedException(Reason reason, String message, HumanLoop loop) {
        super(message);
        this.reason = reason;
        this.loop = loop;
    }

    public Reason reason() {
        return reason;
    }

    /** The loop as read when refusing; null when unknown. */
    public HumanLoop loop() {
        return loop;
    }
}
