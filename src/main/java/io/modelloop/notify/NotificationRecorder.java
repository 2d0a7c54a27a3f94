package io.modelloop.notify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notify route's first step: records each notification in the {@link NotificationLog}.
 * The log is for people reading the console; a store that fails must not stop delivery, so a
 * failure is logged and the route goes on.
 */
public final class NotificationRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationRecorder.class);

    private final NotificationLog log;

    public NotificationRecorder(NotificationLog log) {
        this.log = log;
    }

    public void record(Notification notification) {
        try {
            log.append(LoggedNotification.of(notification));
        } catch (RuntimeException e) {
            LOG.warn("Notification {} not recorded in the notification log (still delivered): {}",
                    notification.event(), e.getMessage());
        }
    }
}
