package io.modelloop.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.runs.JdbcRunStore;
import io.modelloop.runs.RunRecorder;
import io.modelloop.storage.H2Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcDetectionStoreTest extends DetectionStoreContract {

    @TempDir
    Path dir;

    private H2Database database;

    @Override
    protected DetectionStore newStore() {
        database = new H2Database(dir.resolve("modelloop"));
        return new JdbcDetectionStore(database);
    }

    @Override
    protected void closeStore() {
        database.close();
    }

    @Test
    void aDatabaseFromBeforeTheSampleCountersCountsItsAnsweredSamplesOnceAtStartUp() throws Exception {
        for (String id : List.of("s1", "s2", "s3")) {
            store.insertIfAbsent(classified(id, T0, "cat", 90.0));
            store.attachLoop(id, "sample-" + id, HumanLoop.HUMAN_SAMPLING);
        }
        store.recordReview("s1", "cat", T0, null, true);
        store.recordReview("s2", "dog", T0, null, false);
        try (Connection c = database.connection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE sample_counters"); // as written before the counters existed
        }
        database.close();

        database = new H2Database(dir.resolve("modelloop"));
        store = new JdbcDetectionStore(database);
        assertThat(store.sampleAgreement()).isEqualTo(new SampleAgreement(2, 1));
        store.recordReview("s3", "cat", T0, null, true);
        assertThat(store.sampleAgreement()).isEqualTo(new SampleAgreement(3, 2));
    }

    @Test
    void aReviewerWaitsOutAnotherWriterHoldingTheLoopForSeconds() throws Exception {
        store.createLoop(loop("busy", T0));
        java.util.concurrent.CompletableFuture<Boolean> held;
        try (Connection other = database.connection()) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                // another reviewer's hold, committed slowly (a loaded machine): the row stays locked meanwhile
                s.executeUpdate("UPDATE human_loops SET held_by = 'ann', held_until = TIMESTAMP WITH TIME ZONE "
                        + "'2099-01-01 00:00:00Z' WHERE name = 'busy'");
            }
            held = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> store.holdLoop("busy", "bob", T0, T0.plusSeconds(600)));
            // H2 waits two seconds for a locked row by default; a slower commit turned this hold into a 500
            Thread.sleep(3000);
            other.commit();
        }
        assertThat(held.get(30, java.util.concurrent.TimeUnit.SECONDS)).as("ann holds it: bob lost the race").isFalse();
        assertThat(store.getLoop("busy").orElseThrow().heldBy()).isEqualTo("ann");
    }

    @Test
    void sharesOneDatabaseFileWithTheRunStoreAndSurvivesReopening() {
        store.insertIfAbsent(classified("d1", T0, "cat", 90.0));
        String runId;
        try (JdbcRunStore runs = new JdbcRunStore(database)) {
            runId = new RunRecorder(runs, Clock.systemUTC()).start("DETECTION", Map.of("id", "d1")).id();
        }
        // closing the run store leaves the shared database usable
        assertThat(store.get("d1")).isPresent();
        database.close();

        assertThat(Files.exists(dir.resolve("modelloop.mv.db"))).isTrue();
        try (JdbcDetectionStore reopened = new JdbcDetectionStore(dir.resolve("modelloop"));
             JdbcRunStore runs = new JdbcRunStore(dir.resolve("modelloop"))) {
            assertThat(reopened.get("d1")).map(Detection::label).contains("cat");
            assertThat(runs.get(runId)).isPresent();
        }
        database = new H2Database(dir.resolve("modelloop")); // for closeStore
    }

    /** The JSON kept in the body column is read back by every later version: its field names must not drift. */
    @Test
    void aDetectionAndALoopAreStoredWithTheirFieldNamesUnchanged() throws Exception {
        Instant at = Instant.parse("2026-11-24T10:00:00Z");
        store.insertIfAbsent(Detection.builder().id("det-1").objectKey("b/k/e").detectedAt(at).bucket("b")
                .key("images_for_detection/x.jpg").etag("e").sequencer("0055").modelVersion("v3")
                .outcome(Detection.Outcome.CLASSIFIED).label("cat").confidence(42.5).threshold(70.0).reviewEnabled(true)
                .uploadedAt(at.minusSeconds(2)).classProbability(88.0).familiarity(42.5).confidenceReason("UNFAMILIAR")
                .build());
        store.createLoop(HumanLoop.open(HumanLoop.A2I_WORKFLOW, "det-1", "cat", 42.5, "b",
                "images_for_detection/x.jpg", List.of("cat", "dog"), at).withConfidenceParts("UNFAMILIAR", 88.0, 42.5));

        assertThat(body("SELECT body FROM detections WHERE id = 'det-1'")).isEqualTo("{\"id\":\"det-1\","
                + "\"objectKey\":\"b/k/e\",\"detectedAt\":\"2026-11-24T10:00:00Z\",\"bucket\":\"b\","
                + "\"key\":\"images_for_detection/x.jpg\",\"etag\":\"e\",\"sequencer\":\"0055\",\"modelVersion\":\"v3\","
                + "\"outcome\":\"CLASSIFIED\",\"label\":\"cat\",\"confidence\":42.5,\"threshold\":70.0,"
                + "\"reviewEnabled\":true,\"sampled\":false,\"uploadedAt\":\"2026-11-24T09:59:58Z\","
                + "\"classProbability\":88.0,\"familiarity\":42.5,\"confidenceReason\":\"UNFAMILIAR\"}");
        assertThat(body("SELECT body FROM human_loops WHERE name = 'review-det-1'")).isEqualTo("{"
                + "\"name\":\"review-det-1\",\"source\":\"A2I Workflow\",\"detectionId\":\"det-1\","
                + "\"detectedLabel\":\"cat\",\"confidence\":42.5,\"imageUri\":\"s3://b/images_for_detection/x.jpg\","
                + "\"labels\":[\"cat\",\"dog\"],\"status\":\"OPEN\",\"createdAt\":\"2026-11-24T10:00:00Z\","
                + "\"confidenceReason\":\"UNFAMILIAR\",\"classProbability\":88.0,\"familiarity\":42.5}");
    }

    private String body(String sql) throws Exception {
        try (Connection c = database.connection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void aDatabaseFromBeforeHoldsGetsTheHoldColumnsAndItsLoopsCanBeHeld() throws Exception {
        database.close();
        Path old = dir.resolve("before-holds");
        try (H2Database before = new H2Database(old); Connection c = before.connection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE human_loops (name VARCHAR(100) PRIMARY KEY, detection_id VARCHAR(200), "
                    + "source VARCHAR(50), status VARCHAR(20) NOT NULL, created_at TIMESTAMP(9) WITH TIME ZONE NOT NULL, "
                    + "answer VARCHAR(200), reviewer VARCHAR(200), answered_at TIMESTAMP(9) WITH TIME ZONE, body CLOB NOT NULL)");
            s.execute("INSERT INTO human_loops (name, detection_id, source, status, created_at, body) VALUES ("
                    + "'loop-old', 'det-old', 'A2I Workflow', 'OPEN', TIMESTAMP WITH TIME ZONE '2026-11-24 10:00:00+00', "
                    + "'{\"name\":\"loop-old\",\"source\":\"A2I Workflow\",\"detectionId\":\"det-old\","
                    + "\"status\":\"OPEN\",\"createdAt\":\"2026-11-24T10:00:00Z\"}')");
        }

        try (JdbcDetectionStore upgraded = new JdbcDetectionStore(old)) {
            assertThat(upgraded.getLoop("loop-old")).get().extracting(HumanLoop::heldBy).isNull();
            assertThat(upgraded.holdLoop("loop-old", "alice", T0, T0.plusSeconds(300))).isTrue();
            assertThat(upgraded.openLoops(10)).extracting(HumanLoop::heldBy).containsExactly("alice");
        }
        try (JdbcDetectionStore reopened = new JdbcDetectionStore(old)) {
            assertThat(reopened.getLoop("loop-old")).get().extracting(HumanLoop::heldBy).isEqualTo("alice");
        }
        database = new H2Database(dir.resolve("modelloop")); // for closeStore
    }

    @Test
    void aDatabaseFromBeforeTheConfidenceColumnIsFilledInFromTheRecords() throws Exception {
        store.insertIfAbsent(classified("d1", T0, "cat", 72.5));
        store.insertIfAbsent(detection("d2", T0, null, Detection.Outcome.NO_MODEL, null));
        try (var c = database.connection(); var s = c.createStatement()) {
            s.execute("ALTER TABLE detections DROP COLUMN confidence");
        }

        JdbcDetectionStore reopened = new JdbcDetectionStore(database);

        ConfidenceHistogram h = reopened.confidenceHistogram(null, 10);
        assertThat(h.total()).isEqualTo(1);
        assertThat(h.bins().get(7).count()).isEqualTo(1);
    }

    /** The detections table exactly as the code before confidence parts (#10) created it, with one record. */
    @Test
    void aDatabaseFileFromBeforeTheConfidencePartsOpensAndKeepsPartsOfNewRecords() throws Exception {
        database.close();
        Path old = dir.resolve("before-parts");
        String oldBody = "{\"id\":\"det-old\",\"objectKey\":\"b/k/e\",\"detectedAt\":\"2026-11-24T10:00:00Z\","
                + "\"bucket\":\"b\",\"key\":\"images_for_detection/old.jpg\",\"etag\":\"e\",\"modelVersion\":\"v1\","
                + "\"outcome\":\"CLASSIFIED\",\"label\":\"cat\",\"confidence\":42.0,\"threshold\":70.0,"
                + "\"reviewEnabled\":true,\"sampled\":false}";
        try (H2Database before = new H2Database(old); Connection c = before.connection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE detections (id VARCHAR(200) PRIMARY KEY, object_key VARCHAR(2200), "
                    + "detected_at TIMESTAMP(9) WITH TIME ZONE NOT NULL, label VARCHAR(200), outcome VARCHAR(20) NOT NULL, "
                    + "below_threshold BOOLEAN NOT NULL, sampled BOOLEAN NOT NULL, human_loop_name VARCHAR(100), "
                    + "human_loop_source VARCHAR(50), human_label VARCHAR(200), reviewed_at TIMESTAMP(9) WITH TIME ZONE, "
                    + "copied_key VARCHAR(2200), agreement BOOLEAN, body CLOB NOT NULL, confidence DOUBLE PRECISION)");
            s.execute("INSERT INTO detections (id, object_key, detected_at, label, outcome, below_threshold, sampled, body, "
                    + "confidence) VALUES ('det-old', 'b/k/e', TIMESTAMP WITH TIME ZONE '2026-11-24 10:00:00+00', 'cat', "
                    + "'CLASSIFIED', TRUE, FALSE, '" + oldBody + "', 42.0)");
        }

        try (JdbcDetectionStore upgraded = new JdbcDetectionStore(old)) {
            Detection before = upgraded.get("det-old").orElseThrow();
            assertThat(before.label()).isEqualTo("cat");
            assertThat(before.confidence()).isEqualTo(42.0);
            assertThat(before.classProbability()).isNull();
            assertThat(before.confidenceReason()).isNull();
            assertThat(upgraded.insertIfAbsent(withParts(classified("det-new", T0, "dog", 10.0), 97.0, 10.0, "UNFAMILIAR")))
                    .isTrue();
        }
        try (JdbcDetectionStore reopened = new JdbcDetectionStore(old)) {
            assertThat(reopened.get("det-new")).get()
                    .extracting(Detection::classProbability, Detection::familiarity, Detection::confidenceReason)
                    .containsExactly(97.0, 10.0, "UNFAMILIAR");
        }
        try (H2Database after = new H2Database(old); Connection c = after.connection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT class_probability, familiarity, confidence_reason FROM detections "
                     + "WHERE id = 'det-new'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getDouble(1)).isEqualTo(97.0);
            assertThat(rs.getDouble(2)).isEqualTo(10.0);
            assertThat(rs.getString(3)).isEqualTo("UNFAMILIAR");
        }
        database = new H2Database(dir.resolve("modelloop")); // for closeStore
    }
}
