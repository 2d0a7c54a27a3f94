package io.modelloop.notify;

import java.util.List;
import java.util.stream.Collectors;

/** The sinks configured for this process; the notification route fans out to their queues. */
public final class NotificationSinks {

    private final List<NotificationSink> sinks;

    public NotificationSinks(List<NotificationSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    public List<NotificationSink> all() {
        return sinks;
    }

    /** Recipient list of the notify route: one queue per sink. */
    public String endpoints() {
        return sinks.stream().map(s -> queue(s.name())).collect(Collectors.joining(","));
    }

    static String queue(String sink) {
        return "seda:notify-" + sink + "?waitForTaskToComplete=Never";
    }
}
