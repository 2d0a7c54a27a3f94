package io.modelloop.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.runs.JdbcRunStore;
import io.modelloop.runs.RunRecorder;
import io.modelloop.storage.H2Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
}
