package io.modelloop.runs;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.modelloop.storage.H2Database;

/** Run records in an embedded H2 database file (data/modelloop.mv.db); the record body is JSON. */
public final class JdbcRunStore implements RunStore, AutoCloseable {


    private final H2Database database;
    private final boolean ownsDatabase;

    /** A store with a database of its own (closed with the store); file name without H2's .mv.db suffix. */
    public JdbcRunStore(Path databaseFile) {
        this(new H2Database(databaseFile), true);
    }

    /** A store on a shared database; closing the store leaves the database open. */
    public JdbcRunStore(H2Database database) {
        this(database, false);
    }

    private JdbcRunStore(H2Database database, boolean ownsDatabase) {
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        Path databaseFile = database.file();
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS runs (id VARCHAR(100) PRIMARY KEY, type VARCHAR(50) NOT NULL, "
                    + "status VARCHAR(20) NOT NULL, started_at TIMESTAMP WITH TIME ZONE NOT NULL, body CLOB NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS runs_started ON runs(started_at)");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot open run database " + databaseFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void save(RunRecord run) {
        try (Connection c = database.connection();
             PreparedStatement ps = c.prepareStatement("MERGE INTO runs (id, type, status, started_at, body) KEY (id) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, run.id());
            ps.setString(2, run.type());
            ps.setString(3, run.status().name());
            ps.setTimestamp(4, Timestamp.from(run.startedAt()));
            ps.setString(5, run.toJson());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot save run " + run.id() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<RunRecord> get(String id) {
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement("SELECT body FROM runs WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(RunRecord.fromJson(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read run " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<RunRecord> list(String type, RunRecord.RunStatus status, Instant before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT body FROM runs WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (type != null) {
            sql.append(" AND type = ?");
            args.add(type);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status.name());
        }
        if (before != null) {
            sql.append(" AND started_at < ?");
            args.add(Timestamp.from(before));
        }
        sql.append(" ORDER BY started_at DESC, id DESC LIMIT ?");
        args.add(Math.max(1, Math.min(limit, 1000)));
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<RunRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(RunRecord.fromJson(rs.getString(1)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot list runs: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (ownsDatabase) {
            database.close();
        }
    }
}
