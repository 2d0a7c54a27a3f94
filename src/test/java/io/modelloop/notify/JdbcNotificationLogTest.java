package io.modelloop.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.storage.H2Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcNotificationLogTest extends NotificationLogContract {

    @TempDir
    Path dir;

    private H2Database database;

    @Override
    protected NotificationLog newLog() {
        database = new H2Database(dir.resolve("modelloop"));
        return new JdbcNotificationLog(database, Clock.systemUTC());
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void entriesOlderThanTheRetentionArePruned() {
        log.append(LoggedNotification.of(new Notification("Old", "old", Map.of(), T0)));
        log.append(LoggedNotification.of(new Notification("Recent", "recent", Map.of(), T0.plus(Duration.ofDays(29)))));

        Clock later = Clock.fixed(T0.plus(Duration.ofDays(NotificationLog.RETENTION_DAYS)).plusSeconds(1), ZoneOffset.UTC);
        JdbcNotificationLog reopened = new JdbcNotificationLog(database, later); // prunes at start

        assertThat(reopened.newestFirst(null, 10)).extracting(LoggedNotification::type).containsExactly("Recent");
    }
}
