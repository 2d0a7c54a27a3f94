package io.modelloop.notify;

/**
 * One destination of notifications (SNS topic, JSON-lines file, e-mail, webhook). Each sink is
 * fed from its own queue with retries, so a failing sink delays only itself.
 */
public interface NotificationSink {

    /** Short name used in configuration, route ids and health (e.g. sns). */
    String name();

    /** Delivers one message; throwing means "retry, then report in health". */
    void send(NotificationMessage message) throws Exception;
}
