package io.modelloop.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The embedded H2 database file of the local profile (data/modelloop.mv.db) and its one
 * connection pool, shared by the run store and the detection store. A committed statement is
 * on disk (in the OS's hands) when it returns, so it survives the process being killed.
 */
public final class H2Database implements AutoCloseable {

    private final Path file;
    private final JdbcConnectionPool pool;

    /** @param databaseFile the file name without H2's .mv.db suffix, e.g. data/modelloop */
    public H2Database(Path databaseFile) {
        this.file = databaseFile;
        // WRITE_DELAY=0: a commit is written to the file before it returns. H2's default (500 ms)
        // keeps it in memory meanwhile, so a kill -9 lost records whose image the trigger had
        // already marked as handed off (and whose SQS message it had deleted): never detected again.
        // LOCK_TIMEOUT: a writer waits up to 30 s for a row another transaction holds, not H2's
        // 2 s; on a loaded machine a commit took longer, and a reviewer's next got a 500 instead
        // of the next loop.
        String url = "jdbc:h2:file:" + databaseFile.toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"
                + ";LOCK_TIMEOUT=30000";
        this.pool = JdbcConnectionPool.create(url, "", "");
        this.pool.setMaxConnections(16);
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
