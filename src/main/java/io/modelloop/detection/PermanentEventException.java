package io.modelloop.detection;

/**
 * An event message that can never be processed (not JSON, not an S3 event, a record without a
 * bucket or key, a key that is not valid URL encoding). Retrying cannot help: the SQS trigger
 * lets the message fail so that the queue's redrive policy moves it to the dead-letter queue
 * after maxReceiveCount receives, where an operator can look at it.
 */
public class PermanentEventException extends RuntimeException {

    public PermanentEventException(String message) {
        super(message);
    }

    public PermanentEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
