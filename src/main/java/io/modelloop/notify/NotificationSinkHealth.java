package io.modelloop.notify;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The last outcome of each sink, reported by the notifications health check. */
public final class NotificationSinkHealth {

    public record SinkStatus(String sink, boolean up, long delivered, long failed, Instant lastAttempt, String lastError) {
    }

    private final Map<String, SinkStatus> statuses = new ConcurrentHashMap<>();

    public void register(String sink) {
        statuses.putIfAbsent(sink, new SinkStatus(sink, true, 0, 0, null, null));
    }

    public void delivered(String sink) {
        statuses.compute(sink, (k, s) -> s == null
                ? new SinkStatus(k, true, 1, 0, Instant.now(), null)
                : new SinkStatus(k, true, s.delivered() + 1, s.failed(), Instant.now(), null));
    }

    public void failed(String sink, Throwable error) {
        String message = error == null ? "unknown error" : error.getClass().getSimpleName() + ": " + error.getMessage();
        statuses.compute(sink, (k, s) -> s == null
                ? new SinkStatus(k, false, 0, 1, Instant.now(), message)
                : new SinkStatus(k, false, s.delivered(), s.failed() + 1, Instant.now(), message));
    }

    public Map<String, SinkStatus> snapshot() {
        return new TreeMap<>(statuses);
    }

    public boolean allUp() {
        return statuses.values().stream().allMatch(SinkStatus::up);
    }
}
