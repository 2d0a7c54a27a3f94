package io.modelloop.notify;

import java.time.Instant;
import java.util.List;

/**
 * The notifications sent, kept for the console's feed (the embedded database locally, the
 * DynamoDB table on AWS). Entries older than {@link #RETENTION_DAYS} days go away.
 */
public interface NotificationLog {

    int RETENTION_DAYS = 30;

    void append(LoggedNotification entry);

    /** Newest first, strictly before {@code before} when given, at most limit. */
    List<LoggedNotification> newestFirst(Instant before, int limit);
}
