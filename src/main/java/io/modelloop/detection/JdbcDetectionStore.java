package io.modelloop.detection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.storage.H2Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Detections and human loops in the embedded H2 database (local profile), on the same database
 * file as the run records.
 *
 * <p>Table {@code detections}: one row per detection, a column for every field a query filters
 * or orders on, and the whole record as JSON in {@code body}. The fields that change after the
 * insert (loop, sampled, review) live in their own columns, are changed by single conditional
 * UPDATE statements, and override the body when a record is read: so attaching a loop and
 * recording a review never read-modify-write the body and cannot lose each other's update.
 *
 * <p>Table {@code human_loops}: the loop as JSON in {@code body} as created, its status and
 * answer and reviewer hold in columns. Duplicate guards are in the database: the primary keys
 * (insertIfAbsent, createLoop), {@code WHERE human_loop_name IS NULL} (attachLoop), {@code WHERE
 * status = 'OPEN'} plus the hold (completeLoop) and the hold condition (holdLoop); H2 re-checks
 * the condition after waiting for a concurrent writer's row lock, so exactly one caller wins.
 *
 * <p>Times are TIMESTAMP(9) WITH TIME ZONE so nanosecond instants compare exactly in keyset paging.
 */
public final class JdbcDetectionStore implements DetectionStore, AutoCloseable {

    private static final ObjectMapper JSON = io.modelloop.config.Json.MAPPER;
    private static final String DUPLICATE_KEY = "23505";
    private static final String DETECTION_COLUMNS =
            "body, sampled, human_loop_name, human_loop_source, human_label, reviewed_at, copied_key, agreement";
    private static final String LOOP_COLUMNS = "body, status, answer, reviewer, answered_at, held_by, held_until";
    /** Free for reviewer ?: nobody holds it, the hold lapsed at ? (the time), or ? holds it already. */
    private static final String FREE_FOR = "(held_by IS NULL OR held_until IS NULL OR held_until <= ? OR held_by = ?)";

    private final H2Database database;
    private final boolean ownsDatabase;

    /** A store with a database file of its own (closed with the store). */
    public JdbcDetectionStore(Path databaseFile) {
        this(new H2Database(databaseFile), true);
    }

    /** A store on a shared database; closing the store leaves the database open. */
    public JdbcDetectionStore(H2Database database) {
        this(database, false);
    }

    private JdbcDetectionStore(H2Database database, boolean ownsDatabase) {
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS detections ("
                    + "id VARCHAR(200) PRIMARY KEY, object_key VARCHAR(2200), "
                    + "detected_at TIMESTAMP(9) WITH TIME ZONE NOT NULL, label VARCHAR(200), outcome VARCHAR(20) NOT NULL, "
                    + "below_threshold BOOLEAN NOT NULL, sampled BOOLEAN NOT NULL, human_loop_name VARCHAR(100), "
                    + "human_loop_source VARCHAR(50), human_label VARCHAR(200), reviewed_at TIMESTAMP(9) WITH TIME ZONE, "
                    + "copied_key VARCHAR(2200), agreement BOOLEAN, body CLOB NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS detections_time ON detections(detected_at, id)");
            s.execute("CREATE INDEX IF NOT EXISTS detections_outcome_time ON detections(outcome, detected_at, id)");
            s.execute("CREATE INDEX IF NOT EXISTS detections_label ON detections(label)");
            s.execute("CREATE TABLE IF NOT EXISTS human_loops ("
                    + "name VARCHAR(100) PRIMARY KEY, detection_id VARCHAR(200), source VARCHAR(50), "
                    + "status VARCHAR(20) NOT NULL, created_at TIMESTAMP(9) WITH TIME ZONE NOT NULL, answer VARCHAR(200), "
                    + "reviewer VARCHAR(200), answered_at TIMESTAMP(9) WITH TIME ZONE, body CLOB NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS human_loops_open ON human_loops(status, created_at, name)");
            // databases created before reviewer holds get the columns on first start
            s.execute("ALTER TABLE human_loops ADD COLUMN IF NOT EXISTS held_by VARCHAR(200)");
            s.execute("ALTER TABLE human_loops ADD COLUMN IF NOT EXISTS held_until TIMESTAMP(9) WITH TIME ZONE");
            addConfidenceColumn(c);
            addOutputKeyColumn(c);
            // databases created before confidence parts: older records have none, so nothing to fill in
            s.execute("ALTER TABLE detections ADD COLUMN IF NOT EXISTS class_probability DOUBLE PRECISION");
            s.execute("ALTER TABLE detections ADD COLUMN IF NOT EXISTS familiarity DOUBLE PRECISION");
            s.execute("ALTER TABLE detections ADD COLUMN IF NOT EXISTS confidence_reason VARCHAR(20)");
            s.execute("CREATE TABLE IF NOT EXISTS sample_counters (id VARCHAR(20) PRIMARY KEY, answered BIGINT NOT NULL, "
                    + "agreed BIGINT NOT NULL)");
            initialiseSampleCounters(c);
            s.execute("CREATE TABLE IF NOT EXISTS human_loop_outputs (output_key VARCHAR(1100) PRIMARY KEY, "
                    + "processed_at TIMESTAMP(9) WITH TIME ZONE NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS human_loop_output_cursors (flow VARCHAR(300) PRIMARY KEY, "
                    + "newest TIMESTAMP(9) WITH TIME ZONE NOT NULL)");
        } catch (SQLException e) {
            if (ownsDatabase) {
                database.close();
            }
            throw new IllegalStateException("Cannot open detection database " + database.file() + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ detections

    @Override
    public boolean insertIfAbsent(Detection d) {
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO detections (id, object_key, detected_at, label, outcome, below_threshold, sampled, "
                        + "human_loop_name, human_loop_source, human_label, reviewed_at, copied_key, agreement, body, confidence, "
                        + "class_probability, familiarity, confidence_reason) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bindRow(ps, d, 1, 2);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (DUPLICATE_KEY.equals(e.getSQLState())) {
                return false;
            }
            throw failure("insert detection " + d.id(), e);
        }
    }

    /** Only a NO_MODEL record is replaced: the condition is in the UPDATE, so a second replacer changes nothing. */
    @Override
    public boolean replace(Detection d) {
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE detections SET object_key = ?, detected_at = ?, label = ?, outcome = ?, below_threshold = ?, "
                        + "sampled = ?, human_loop_name = ?, human_loop_source = ?, human_label = ?, reviewed_at = ?, "
                        + "copied_key = ?, agreement = ?, body = ?, confidence = ?, class_probability = ?, familiarity = ?, "
                        + "confidence_reason = ? WHERE id = ? AND outcome = 'NO_MODEL'")) {
            bindRow(ps, d, 18, 1);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure("replace detection " + d.id(), e);
        }
    }

    /** Binds the id at {@code idAt} and the other columns, in the INSERT's order, from {@code from} on. */
    private static void bindRow(PreparedStatement ps, Detection d, int idAt, int from) throws SQLException {
        if (d.id() == null || d.detectedAt() == null || d.outcome() == null) {
            throw new IllegalArgumentException("a detection needs an id, a time and an outcome");
        }
        ps.setString(idAt, d.id());
        int i = from;
        ps.setString(i++, d.objectKey());
        ps.setObject(i++, time(d.detectedAt()));
        ps.setString(i++, d.label());
        ps.setString(i++, d.outcome().name());
        ps.setBoolean(i++, d.belowThreshold());
        ps.setBoolean(i++, d.sampled());
        ps.setString(i++, d.humanLoopName());
        ps.setString(i++, d.humanLoopSource());
        ps.setString(i++, d.humanLabel());
        ps.setObject(i++, time(d.reviewedAt()));
        ps.setString(i++, d.copiedKey());
        setBoolean(ps, i++, d.agreement());
        ps.setString(i++, write(d));
        setDouble(ps, i++, d.confidence());
        setDouble(ps, i++, d.classProbability());
        setDouble(ps, i++, d.familiarity());
        ps.setString(i, d.confidenceReason());
    }

    private static void setDouble(PreparedStatement ps, int index, Double value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.DOUBLE);
        } else {
            ps.setDouble(index, value);
        }
    }

    /**
     * The output_key column came with owed outputs: loops answered before it have their output
     * already (written by the answer itself), so they get '' (written, key not kept).
     */
    private static void addOutputKeyColumn(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS "
                + "WHERE TABLE_NAME = 'HUMAN_LOOPS' AND COLUMN_NAME = 'OUTPUT_KEY' AND TABLE_SCHEMA = SCHEMA()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getLong(1) > 0) {
                return;
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE human_loops ADD COLUMN output_key VARCHAR(1100)");
            s.executeUpdate("UPDATE human_loops SET output_key = '' WHERE status = 'ANSWERED'");
        }
    }

    /**
     * The confidence column came after the first databases were written: when it is added to
     * an existing table, it is filled in from each record's JSON body, once.
     */
    private static void addConfidenceColumn(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS "
                + "WHERE TABLE_NAME = 'DETECTIONS' AND COLUMN_NAME = 'CONFIDENCE' AND TABLE_SCHEMA = SCHEMA()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getLong(1) > 0) {
                return;
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE detections ADD COLUMN confidence DOUBLE PRECISION");
        }
        try (PreparedStatement select = c.prepareStatement("SELECT id, body FROM detections WHERE outcome = 'CLASSIFIED'");
             PreparedStatement update = c.prepareStatement("UPDATE detections SET confidence = ? WHERE id = ?");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                Double confidence = read(rs.getString(2), Detection.class).confidence();
                if (confidence != null) {
                    update.setDouble(1, confidence);
                    update.setString(2, rs.getString(1));
                    update.executeUpdate();
                }
            }
        }
    }

    @Override
    public Optional<Detection> get(String id) {
        List<Detection> found = detections("SELECT " + DETECTION_COLUMNS + " FROM detections WHERE id = ?", List.of(id));
        return found.stream().findFirst();
    }

    @Override
    public DetectionPage query(DetectionQuery q) {
        int limit = Math.max(1, Math.min(q.limit(), 1000));
        StringBuilder sql = new StringBuilder("SELECT " + DETECTION_COLUMNS + " FROM detections WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (q.from() != null) {
            sql.append(" AND detected_at >= ?");
            args.add(time(q.from()));
        }
        if (q.to() != null) {
            sql.append(" AND detected_at < ?");
            args.add(time(q.to()));
        }
        if (q.label() != null) {
            sql.append(" AND label = ?");
            args.add(q.label());
        }
        if (q.reviewed() != null) {
            sql.append(q.reviewed() ? " AND reviewed_at IS NOT NULL" : " AND reviewed_at IS NULL");
        }
        if (q.sampled() != null) {
            sql.append(" AND sampled = ?");
            args.add(q.sampled());
        }
        if (q.belowThreshold() != null) {
            sql.append(" AND below_threshold = ?");
            args.add(q.belowThreshold());
        }
        if (q.outcome() != null) {
            sql.append(" AND outcome = ?");
            args.add(q.outcome().name());
        }
        if (q.cursor() != null) {
            DetectionCursor after = DetectionCursor.decode(q.cursor());
            sql.append(" AND (detected_at < ? OR (detected_at = ? AND id < ?))");
            args.add(time(after.detectedAt()));
            args.add(time(after.detectedAt()));
            args.add(after.id());
        }
        sql.append(" ORDER BY detected_at DESC, id DESC LIMIT ?");
        args.add(limit + 1);
        List<Detection> rows = detections(sql.toString(), args);
        if (rows.size() <= limit) {
            return new DetectionPage(rows, null);
        }
        List<Detection> page = List.copyOf(rows.subList(0, limit));
        return new DetectionPage(page, DetectionCursor.of(page.get(limit - 1)).encode());
    }

    /** Strictly after (time, afterId); with afterId null, every detection at or after time. */
    @Override
    public List<Detection> classifiedAfter(Instant time, String afterId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + DETECTION_COLUMNS + " FROM detections WHERE outcome = 'CLASSIFIED'");
        List<Object> args = new ArrayList<>();
        if (time != null) {
            sql.append(" AND (detected_at > ? OR (detected_at = ? AND id > ?))");
            args.add(time(time));
            args.add(time(time));
            args.add(afterId == null ? "" : afterId);
        }
        sql.append(" ORDER BY detected_at, id LIMIT ?");
        args.add(Math.max(1, limit));
        return detections(sql.toString(), args);
    }

    @Override
    public List<Detection> waitingForModel(int limit) {
        return detections("SELECT " + DETECTION_COLUMNS + " FROM detections WHERE outcome = 'NO_MODEL' "
                + "ORDER BY detected_at, id LIMIT ?", List.of(Math.max(1, limit)));
    }

    @Override
    public boolean attachLoop(String detectionId, String loopName, String source) {
        return update("UPDATE detections SET human_loop_name = ?, human_loop_source = ?, sampled = (sampled OR ?) "
                        + "WHERE id = ? AND human_loop_name IS NULL",
                Arrays.asList(loopName, source, HumanLoop.HUMAN_SAMPLING.equals(source), detectionId)) == 1;
    }

    /**
     * Records the review and moves the sample counters by what it changes, in one transaction
     * (the row is locked first, so two recorders of the same detection count it once).
     *
     * @throws IllegalArgumentException when there is no detection with that id
     */
    @Override
    public void recordReview(String detectionId, String humanLabel, Instant reviewedAt, String copiedKey, Boolean agreement) {
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                SampleAgreement delta;
                try (PreparedStatement ps = prepare(c, "SELECT sampled, agreement FROM detections WHERE id = ? FOR UPDATE",
                        List.of(detectionId)); ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalArgumentException("no detection " + detectionId + " to record the review on");
                    }
                    boolean sampled = rs.getBoolean(1);
                    Boolean before = rs.getBoolean(2);
                    if (rs.wasNull()) {
                        before = null;
                    }
                    delta = SampleAgreement.delta(sampled, before, agreement);
                }
                try (PreparedStatement ps = prepare(c, "UPDATE detections SET human_label = ?, reviewed_at = ?, copied_key = ?, "
                        + "agreement = ? WHERE id = ?", Arrays.asList(humanLabel, time(reviewedAt), copiedKey, agreement,
                        detectionId))) {
                    ps.executeUpdate();
                }
                if (!delta.isZero()) {
                    try (PreparedStatement ps = prepare(c, "UPDATE sample_counters SET answered = answered + ?, "
                            + "agreed = agreed + ? WHERE id = 'all'", List.of(delta.answered(), delta.agreed()))) {
                        ps.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure("record the review of " + detectionId, e);
        }
    }

    @Override
    public SampleAgreement sampleAgreement() {
        try (Connection c = database.connection();
             PreparedStatement ps = c.prepareStatement("SELECT answered, agreed FROM sample_counters WHERE id = 'all'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new SampleAgreement(rs.getLong(1), rs.getLong(2)) : SampleAgreement.NONE;
        } catch (SQLException e) {
            throw failure("read the sample counters", e);
        }
    }

    /** A database from before the counters gets them counted once, from its detections, at start-up. */
    private static void initialiseSampleCounters(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO sample_counters (id, answered, agreed) SELECT 'all', "
                    + "COUNT(CASE WHEN sampled AND agreement IS NOT NULL THEN 1 END), "
                    + "COUNT(CASE WHEN sampled AND agreement THEN 1 END) FROM detections "
                    + "WHERE NOT EXISTS (SELECT 1 FROM sample_counters WHERE id = 'all')");
        } catch (SQLException e) {
            if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    @Override
    public DetectionStats stats(Instant since) {
        String where = since == null ? "" : " WHERE detected_at >= ?";
        List<Object> args = since == null ? List.of() : List.of(time(since));
        try (Connection c = database.connection()) {
            Map<String, Long> byOutcome = new LinkedHashMap<>();
            for (Detection.Outcome o : Detection.Outcome.values()) {
                byOutcome.put(o.name(), 0L);
            }
            try (PreparedStatement ps = prepare(c, "SELECT outcome, COUNT(*) FROM detections" + where + " GROUP BY outcome", args);
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byOutcome.put(rs.getString(1), rs.getLong(2));
                }
            }
            try (PreparedStatement ps = prepare(c, "SELECT COUNT(*), "
                    + "COUNT(CASE WHEN below_threshold THEN 1 END), "
                    + "COUNT(reviewed_at), "
                    + "COUNT(CASE WHEN sampled THEN 1 END), "
                    + "COUNT(CASE WHEN sampled AND agreement IS NOT NULL THEN 1 END), "
                    + "COUNT(CASE WHEN sampled AND agreement THEN 1 END) FROM detections" + where, args);
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                long answered = rs.getLong(5);
                long agreed = rs.getLong(6);
                return new DetectionStats(rs.getLong(1), byOutcome, rs.getLong(2), rs.getLong(3), rs.getLong(4),
                        answered, agreed, answered == 0 ? null : (double) agreed / answered);
            }
        } catch (SQLException e) {
            throw failure("count detections", e);
        }
    }

    @Override
    public List<HourlyCounts> hourly(Instant since) {
        String where = since == null ? "" : " WHERE detected_at >= ?";
        List<Object> args = since == null ? List.of() : List.of(time(since));
        Map<Instant, HourlyCounts> hours = new java.util.TreeMap<>();
        try (Connection c = database.connection();
             PreparedStatement ps = prepare(c, "SELECT hour_start, outcome, COUNT(*), COUNT(reviewed_at) FROM "
                     + "(SELECT DATE_TRUNC('HOUR', detected_at) AS hour_start, outcome, reviewed_at FROM detections" + where + ") "
                     + "GROUP BY hour_start, outcome", args);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Instant hour = rs.getObject(1, OffsetDateTime.class).toInstant();
                hours.put(hour, hours.getOrDefault(hour, HourlyCounts.empty(hour))
                        .plus(Detection.Outcome.valueOf(rs.getString(2)), rs.getLong(3), rs.getLong(4)));
            }
        } catch (SQLException e) {
            throw failure("count detections by hour", e);
        }
        return List.copyOf(hours.values());
    }

    @Override
    public ConfidenceHistogram confidenceHistogram(Instant since, int bins) {
        ConfidenceHistogram.checkBins(bins);
        List<Object> args = new ArrayList<>(List.of(bins, bins - 1));
        if (since != null) {
            args.add(time(since));
        }
        long[] counts = new long[bins];
        // the bin arithmetic is ConfidenceHistogram.binOf's, so both stores put an edge value in the same bin
        try (Connection c = database.connection();
             PreparedStatement ps = prepare(c, "SELECT bin_no, COUNT(*) FROM (SELECT "
                     + "GREATEST(0, LEAST(CAST(FLOOR(confidence * ? / CAST(100 AS DOUBLE PRECISION)) AS INT), ?)) AS bin_no "
                     + "FROM detections WHERE outcome = 'CLASSIFIED' AND confidence IS NOT NULL"
                     + (since == null ? "" : " AND detected_at >= ?") + ") GROUP BY bin_no", args);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts[rs.getInt(1)] = rs.getLong(2);
            }
        } catch (SQLException e) {
            throw failure("count detections by confidence", e);
        }
        return ConfidenceHistogram.of(counts);
    }

    // ------------------------------------------------------------------ human loops

    @Override
    public boolean createLoop(HumanLoop loop) {
        Instant created = loop.createdAt() == null ? Instant.now() : loop.createdAt();
        HumanLoop.Status status = loop.status() == null ? HumanLoop.Status.OPEN : loop.status();
        HumanLoop stored = loop.toBuilder().status(status).createdAt(created).build();
        try (Connection c = database.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO human_loops (name, detection_id, source, status, created_at, answer, reviewer, answered_at, "
                        + "held_by, held_until, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, stored.name());
            ps.setString(2, stored.detectionId());
            ps.setString(3, stored.source());
            ps.setString(4, status.name());
            ps.setObject(5, time(created));
            ps.setString(6, stored.answer());
            ps.setString(7, stored.reviewer());
            ps.setObject(8, time(stored.answeredAt()));
            ps.setString(9, stored.heldBy());
            ps.setObject(10, time(stored.heldUntil()));
            ps.setString(11, write(stored));
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (DUPLICATE_KEY.equals(e.getSQLState())) {
                return false;
            }
            throw failure("create human loop " + loop.name(), e);
        }
    }

    @Override
    public Optional<HumanLoop> getLoop(String name) {
        return loops("SELECT " + LOOP_COLUMNS + " FROM human_loops WHERE name = ?", List.of(name)).stream().findFirst();
    }

    @Override
    public List<HumanLoop> openLoops(int limit) {
        return loops("SELECT " + LOOP_COLUMNS + " FROM human_loops WHERE status = 'OPEN' ORDER BY created_at, name LIMIT ?",
                List.of(Math.max(1, limit)));
    }

    @Override
    public boolean completeLoop(String name, String answer, String reviewer, Instant answeredAt) {
        List<Object> args = new ArrayList<>();
        args.add(answer);
        args.add(reviewer);
        args.add(time(answeredAt));
        args.add(name);
        args.add(time(answeredAt));
        args.add(reviewer);
        return update("UPDATE human_loops SET status = 'ANSWERED', answer = ?, reviewer = ?, answered_at = ?, "
                + "held_by = NULL, held_until = NULL WHERE name = ? AND status = 'OPEN' AND " + FREE_FOR, args) == 1;
    }

    /** CHECKPOINT SYNC: H2 otherwise writes commits to its file up to a second later, and fsyncs only then. */
    @Override
    public void syncLoops() {
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT SYNC");
        } catch (SQLException e) {
            throw failure("sync the database file", e);
        }
    }

    @Override
    public void recordLoopOutput(String name, String outputKey) {
        update("UPDATE human_loops SET output_key = ? WHERE name = ?", List.of(outputKey, name));
    }

    @Override
    public List<HumanLoop> loopsOwingOutput(int limit) {
        return loops("SELECT " + LOOP_COLUMNS + " FROM human_loops WHERE status = 'ANSWERED' AND output_key IS NULL "
                + "ORDER BY answered_at, name LIMIT ?", List.of(Math.max(1, limit)));
    }

    @Override
    public boolean holdLoop(String name, String reviewer, Instant now, Instant until) {
        return update("UPDATE human_loops SET held_by = ?, held_until = ? WHERE name = ? AND status = 'OPEN' AND " + FREE_FOR,
                Arrays.asList(reviewer, time(until), name, time(now), reviewer)) == 1;
    }

    @Override
    public void releaseLoop(String name, String reviewer) {
        update("UPDATE human_loops SET held_by = NULL, held_until = NULL WHERE name = ? AND held_by = ?",
                List.of(name, reviewer));
    }

    // ------------------------------------------------------------------ processed human-loop outputs

    @Override
    public boolean outputProcessed(String outputKey) {
        try (Connection c = database.connection();
             PreparedStatement ps = prepare(c, "SELECT 1 FROM human_loop_outputs WHERE output_key = ?", List.of(outputKey));
             ResultSet rs = ps.executeQuery()) {
            return rs.next();
        } catch (SQLException e) {
            throw failure("read processed output " + outputKey, e);
        }
    }

    @Override
    public void markOutputProcessed(String outputKey, String flow, Instant pathTime) {
        try (Connection c = database.connection()) {
            try (PreparedStatement ps = prepare(c, "MERGE INTO human_loop_outputs (output_key, processed_at) KEY (output_key) "
                    + "VALUES (?, ?)", List.of(outputKey, time(Instant.now())))) {
                ps.executeUpdate();
            }
            if (pathTime != null) {
                try (PreparedStatement ps = prepare(c, "MERGE INTO human_loop_output_cursors t USING (VALUES (CAST(? AS "
                        + "VARCHAR(300)), CAST(? AS TIMESTAMP(9) WITH TIME ZONE))) s(flow, newest) ON t.flow = s.flow "
                        + "WHEN MATCHED AND t.newest < s.newest THEN UPDATE SET newest = s.newest "
                        + "WHEN NOT MATCHED THEN INSERT (flow, newest) VALUES (s.flow, s.newest)", List.of(flow, time(pathTime)))) {
                    ps.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw failure("record processed output " + outputKey, e);
        }
    }

    @Override
    public Instant outputCursor(String flow) {
        try (Connection c = database.connection();
             PreparedStatement ps = prepare(c, "SELECT newest FROM human_loop_output_cursors WHERE flow = ?", List.of(flow));
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? instant(rs.getObject(1, OffsetDateTime.class)) : null;
        } catch (SQLException e) {
            throw failure("read the output cursor of " + flow, e);
        }
    }

    @Override
    public void close() {
        if (ownsDatabase) {
            database.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    private List<Detection> detections(String sql, List<?> args) {
        try (Connection c = database.connection(); PreparedStatement ps = prepare(c, sql, args);
             ResultSet rs = ps.executeQuery()) {
            List<Detection> out = new ArrayList<>();
            while (rs.next()) {
                Detection body = read(rs.getString(1), Detection.class);
                Boolean agreement = rs.getBoolean(8);
                if (rs.wasNull()) {
                    agreement = null;
                }
                // the columns hold what changed since the insert and override the body
                out.add(body.toBuilder().sampled(rs.getBoolean(2)).humanLoopName(rs.getString(3))
                        .humanLoopSource(rs.getString(4)).humanLabel(rs.getString(5))
                        .reviewedAt(instant(rs.getObject(6, OffsetDateTime.class))).copiedKey(rs.getString(7))
                        .agreement(agreement).build());
            }
            return out;
        } catch (SQLException e) {
            throw failure("read detections", e);
        }
    }

    private List<HumanLoop> loops(String sql, List<?> args) {
        try (Connection c = database.connection(); PreparedStatement ps = prepare(c, sql, args);
             ResultSet rs = ps.executeQuery()) {
            List<HumanLoop> out = new ArrayList<>();
            while (rs.next()) {
                HumanLoop body = read(rs.getString(1), HumanLoop.class);
                out.add(body.toBuilder().status(HumanLoop.Status.valueOf(rs.getString(2))).answer(rs.getString(3))
                        .reviewer(rs.getString(4)).answeredAt(instant(rs.getObject(5, OffsetDateTime.class)))
                        .heldBy(rs.getString(6)).heldUntil(instant(rs.getObject(7, OffsetDateTime.class))).build());
            }
            return out;
        } catch (SQLException e) {
            throw failure("read human loops", e);
        }
    }

    private int update(String sql, List<?> args) {
        try (Connection c = database.connection(); PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("update", e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, List<?> args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a == null) {
                ps.setNull(i + 1, Types.NULL);
            } else {
                ps.setObject(i + 1, a);
            }
        }
        return ps;
    }

    private static void setBoolean(PreparedStatement ps, int index, Boolean value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BOOLEAN);
        } else {
            ps.setBoolean(index, value);
        }
    }

    private static OffsetDateTime time(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise " + o.getClass().getSimpleName(), e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored " + type.getSimpleName() + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("Cannot " + what + ": " + e.getMessage(), e);
    }
}
