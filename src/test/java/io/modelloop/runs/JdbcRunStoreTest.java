package io.modelloop.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelloop.runs.RunRecord.RunStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcRunStoreTest {

    @TempDir
    Path dir;

    /** A clock that moves 1 s per reading, so step timings are visible. */
    static Clock ticking(Instant start) {
        return new Clock() {
            Instant now = start;

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public synchronized Instant instant() {
                now = now.plusSeconds(1);
                return now;
            }
        };
    }

    @Test
    void recordsStepsWithTimingsAndOutcomeAndSurvivesReopening() throws Exception {
        String id;
        try (JdbcRunStore store = new JdbcRunStore(dir.resolve("db"))) {
            RunRecorder recorder = new RunRecorder(store, ticking(Instant.parse("2026-11-24T10:00:00Z")));
            RunRecorder.Run run = recorder.start("TRAINING_CHECK", Map.of("trigger", "manual"));
            id = run.id();
            int n = run.step("count-images", () -> 42, c -> Map.of("images", c));
            assertThat(n).isEqualTo(42);
            assertThatThrownBy(() -> run.step("write-manifest", () -> {
                throw new IllegalStateException("bucket gone");
            }, x -> Map.of())).hasMessage("bucket gone");
            run.fail("bucket gone", Map.of("images", 42));
        }
        try (JdbcRunStore store = new JdbcRunStore(dir.resolve("db"))) {
            RunRecord r = store.get(id).orElseThrow();
            assertThat(r.type()).isEqualTo("TRAINING_CHECK");
            assertThat(r.status()).isEqualTo(RunStatus.FAILED);
            assertThat(r.error()).isEqualTo("bucket gone");
            assertThat(r.input()).containsEntry("trigger", "manual");
            assertThat(r.steps()).extracting(RunRecord.Step::name).containsExactly("count-images", "write-manifest");
            assertThat(r.steps().get(0).status()).isEqualTo(RunStatus.SUCCEEDED);
            assertThat(r.steps().get(0).output()).containsEntry("images", 42);
            assertThat(r.steps().get(0).durationMs()).isEqualTo(1000);
            assertThat(r.steps().get(1).status()).isEqualTo(RunStatus.FAILED);
            assertThat(r.steps().get(1).error()).isEqualTo("bucket gone");
            assertThat(r.endedAt()).isAfter(r.startedAt());
        }
    }

    @Test
    void keepsSmallAndLargeBodiesAndReadsThoseWrittenBeforeBodiesStayedInTheirRow() throws Exception {
        String small = "x".repeat(2_000);
        String large = "y".repeat(300_000);
        // a database as earlier versions wrote it: every body over 256 bytes in H2's LOB storage
        String oldUrl = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath() + ";WRITE_DELAY=0";
        try (JdbcRunStore store = new JdbcRunStore(dir.resolve("db"))) {
            // creates the table
        }
        RunRecord old = new RunRecord("old-run", "TRAINING", RunStatus.SUCCEEDED, Instant.parse("2026-11-20T10:00:00Z"),
                Instant.parse("2026-11-20T10:01:00Z"), Map.of("note", small), Map.of(), null, java.util.List.of());
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(oldUrl);
             java.sql.PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO runs (id, type, status, started_at, body) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, old.id());
            ps.setString(2, old.type());
            ps.setString(3, old.status().name());
            ps.setTimestamp(4, java.sql.Timestamp.from(old.startedAt()));
            ps.setString(5, io.modelloop.config.Json.MAPPER.writeValueAsString(old));
            ps.executeUpdate();
        }
        try (JdbcRunStore store = new JdbcRunStore(dir.resolve("db"))) {
            RunRecorder recorder = new RunRecorder(store, ticking(Instant.parse("2026-11-24T10:00:00Z")));
            recorder.start("TRAINING", Map.of("note", small)).succeed(Map.of("log", large));
        }
        try (JdbcRunStore store = new JdbcRunStore(dir.resolve("db"))) {
            assertThat(store.get("old-run").orElseThrow().input()).containsEntry("note", small);
            RunRecord fresh = store.list("TRAINING", null, null, 10).get(0);
            assertThat(fresh.input()).containsEntry("note", small);
            assertThat(fresh.output()).containsEntry("log", large);
        }
    }

    @Test
    void listsNewestFirstWithFiltersAndPaging() {
        try (JdbcRunStore store = new JdbcRunStore(dir.resolve("db"))) {
            RunRecorder recorder = new RunRecorder(store, ticking(Instant.parse("2026-11-24T10:00:00Z")));
            for (int i = 0; i < 5; i++) {
                recorder.start(i % 2 == 0 ? "TRAINING_CHECK" : "TRAINING_RUN", Map.of("i", i)).succeed(Map.of());
            }
            recorder.start("TRAINING_RUN", Map.of("i", 5));
            var all = store.list(null, null, null, 10);
            assertThat(all).hasSize(6);
            assertThat(all.get(0).input()).containsEntry("i", 5);
            assertThat(store.list("TRAINING_RUN", null, null, 10)).hasSize(3);
            assertThat(store.list(null, RunStatus.RUNNING, null, 10)).singleElement()
                    .satisfies(r -> assertThat(r.input()).containsEntry("i", 5));
            var page1 = store.list(null, null, null, 4);
            var page2 = store.list(null, null, page1.get(3).startedAt(), 4);
            assertThat(page2).hasSize(2);
            assertThat(page2.get(0).input()).containsEntry("i", 1);
        }
    }
}
