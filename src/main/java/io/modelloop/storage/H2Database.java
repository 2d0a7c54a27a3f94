package io.modelloop.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The embedded H2 database file of the local profile (data/modelloop.mv.db) and its one
 * connection pool, shared by the run store and the detection store. A committed statement is
 * on disk (in the OS's hands) when it returns, so it survives the process being killed.
 */
public final class H2Database implements AutoCloseable {

    /** Bodies up to this size stay in their row; larger ones go to H2's LOB storage as before. */
    private static final int INPLACE_LOB_BYTES = 65536;
    /** How long a writer waits for a locked row, and a caller for a free connection. */
    private static final Duration LOCK_WAIT = Duration.ofSeconds(30);

    private final Path file;
    private final HikariDataSource pool;

    /** @param databaseFile the file name without H2's .mv.db suffix, e.g. data/modelloop */
    public H2Database(Path databaseFile) {
        this.file = databaseFile;
        // WRITE_DELAY=0: a commit is written to the file before it returns. H2's default (500 ms)
        // keeps it in memory meanwhile, so a kill -9 lost records whose image the trigger had
        // already marked as handed off (and whose SQS message it had deleted): never detected again.
        // LOCK_TIMEOUT: a writer waits up to 30 s for a row another transaction holds, not H2's
        // 2 s; on a loaded machine a commit took longer, and a reviewer's next got a 500 instead
        // of the next loop.
        // MAX_LENGTH_INPLACE_LOB: record bodies (JSON, a few KB) are kept in their row. Above H2's
        // 256-byte default each save wrote the text to H2's separate LOB maps and freed the old one,
        // several more maps rewritten per commit: about twice the time of a save, and a file that grew
        // faster (measured in a replay profile, where H2's writing was a third of the Java CPU time).
        String url = "jdbc:h2:file:" + databaseFile.toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"
                + ";LOCK_TIMEOUT=" + LOCK_WAIT.toMillis() + ";MAX_LENGTH_INPLACE_LOB=" + INPLACE_LOB_BYTES;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("");
        config.setPassword("");
        config.setMaximumPoolSize(16);
        config.setMinimumIdle(2);
        config.setPoolName("modelloop-h2");
        config.setConnectionTimeout(LOCK_WAIT.toMillis());
        try {
            this.pool = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            // e.g. another process has the file open: say which file, with H2's reason
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("Cannot open database " + databaseFile + ": " + cause.getMessage(), cause);
        }
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        pool.close();
    }
}
