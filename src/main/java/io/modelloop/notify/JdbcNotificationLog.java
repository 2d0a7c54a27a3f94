package io.modelloop.notify;

import io.modelloop.storage.H2Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The notification log in the embedded H2 database (local profile), beside runs and
 * detections. Entries older than the retention are deleted at start and every
 * {@link #PRUNE_EVERY} appends, so the table stays bounded without a timer of its own.
 */
public final class JdbcNotificationLog implements NotificationLog {

    static final int PRUNE_EVERY = 500;

    private final H2Database database;
    private final Clock clock;
    private final AtomicLong appends = new AtomicLong();

    public JdbcNotificationLog(H2Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS notifications (id VARCHAR(36) PRIMARY KEY, "
                    + "at TIMESTAMP(9) WITH TIME ZONE NOT NULL, type VARCHAR(200) NOT NULL, message VARCHAR(1100), "
                    + "details CLOB NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS notifications_at ON notifications(at, id)");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot open notification log in " + database.file() + ": " + e.getMessage(), e);
        }
        prune();
    }

    @Override
    public void append(LoggedNotification entry) {
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO notifications (id, at, type, message, details) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, entry.id());
            ps.setObject(2, OffsetDateTime.ofInstant(entry.at(), ZoneOffset.UTC));
            ps.setString(3, entry.type());
            ps.setString(4, entry.message());
            ps.setString(5, entry.detailsJson());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot record notification " + entry.type() + ": " + e.getMessage(), e);
        }
        if (appends.incrementAndGet() % PRUNE_EVERY == 0) {
            prune();
        }
    }

    @Override
    public List<LoggedNotification> newestFirst(Instant before, int limit) {
        String sql = "SELECT id, at, type, message, details FROM notifications"
                + (before == null ? "" : " WHERE at < ?") + " ORDER BY at DESC, id DESC LIMIT ?";
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (before != null) {
                ps.setObject(i++, OffsetDateTime.ofInstant(before, ZoneOffset.UTC));
            }
            ps.setInt(i, Math.max(1, limit));
            List<LoggedNotification> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LoggedNotification(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
                            rs.getString(3), rs.getString(4), LoggedNotification.parseDetails(rs.getString(5))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the notification log: " + e.getMessage(), e);
        }
    }

    /** Deletes entries older than the retention; returns how many. */
    int prune() {
        Instant cutoff = clock.instant().minus(Duration.ofDays(RETENTION_DAYS));
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM notifications WHERE at < ?")) {
            ps.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot prune the notification log: " + e.getMessage(), e);
        }
    }
}
