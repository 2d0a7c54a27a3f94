package io.modelloop.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The embedded H2 database file of the local profile (data/modelloop.mv.db) and its one
 * connection pool, shared by the run store and the detection store.
 */
public final class H2Database implements AutoCloseable {

    private final Path file;
    private final JdbcConnectionPool pool;

    /** @param databaseFile the file name without H2's .mv.db suffix, e.g. data/modelloop */
    public H2Database(Path databaseFile) {
        this.file = databaseFile;
        String url = "jdbc:h2:file:" + databaseFile.toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
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
