package io.modelloop.testing;

import io.modelloop.notify.Notifier;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every notification instead of sending it. */
public final class RecordingNotifier implements Notifier {

    public record Sent(String event, String details, Map<String, Object> data) {
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();

    @Override
    public void notify(String event, String details, Map<String, ?> data) {
        sent.add(new Sent(event, details, Map.<String, Object>copyOf(data)));
    }

    public List<Sent> all() {
        return List.copyOf(sent);
    }

    public List<Sent> events(String event) {
        return sent.stream().filter(s -> s.event().equals(event)).toList();
    }

    public void clear() {
        sent.clear();
    }
}
