package io.modelloop.notify;

/**
 * A notification ready for the sinks: an SNS-safe subject and the JSON body every sink sends.
 */
public record NotificationMessage(String event, String subject, String json) {
}
