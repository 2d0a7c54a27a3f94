package io.modelloop.notify;

import java.time.Instant;
import java.util.Map;

/** A notification as a workflow raises it, before formatting. */
public record Notification(String event, String details, Map<String, ?> data, Instant time) {
    public Notification {
        data = data == null ? Map.of() : Map.copyOf(data);
    }
}
