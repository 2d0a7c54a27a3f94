package io.modelloop.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.detection.Detection;
import io.modelloop.detection.DetectionQuery;
import io.modelloop.detection.DynamoDetectionStore;
import io.modelloop.runs.RunRecord.RunStatus;
import io.modelloop.testing.DynamoLocal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Run records on DynamoDB Local: save, get, list newest first with filters and paging. */
class DynamoRunStoreTest {

    static DynamoLocal dynamo;

    @BeforeAll
    static void startDynamo() {
        dynamo = new DynamoLocal();
    }

    @AfterAll
    static void stopDynamo() {
        if (dynamo != null) {
            dynamo.close();
        }
    }

    @Test
    void savesGetsAndListsNewestFirstWithFiltersAndPaging() throws Exception {
        DynamoRunStore store = new DynamoRunStore(dynamo.client(), DynamoLocal.freshTableName("runs"));
        assertThat(store.createTableIfMissing()).isTrue();
        RunRecorder recorder = new RunRecorder(store, JdbcRunStoreTest.ticking(Instant.parse("2026-11-24T10:00:00Z")));
        RunRecorder.Run first = recorder.start("TRAINING_CHECK", Map.of("trigger", "manual"));
        first.step("count-images", () -> 42, c -> Map.of("images", c));
        first.succeed(Map.of("trained", false));
        for (int i = 1; i < 5; i++) {
            recorder.start(i % 2 == 0 ? "TRAINING_CHECK" : "TRAINING_RUN", Map.of("i", i)).succeed(Map.of());
        }
        recorder.start("TRAINING_RUN", Map.of("i", 5));

        RunRecord r = store.get(first.id()).orElseThrow();
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.input()).containsEntry("trigger", "manual");
        assertThat(r.steps()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("count-images");
            assertThat(s.durationMs()).isEqualTo(1000);
        });
        assertThat(store.get("no-such-run")).isEmpty();

        var all = store.list(null, null, null, 10);
        assertThat(all).hasSize(6);
        assertThat(all.get(0).input()).containsEntry("i", 5);
        assertThat(all.get(5).id()).isEqualTo(first.id());
        assertThat(store.list("TRAINING_RUN", null, null, 10)).hasSize(3);
        assertThat(store.list(null, RunStatus.RUNNING, null, 10)).singleElement()
                .satisfies(x -> assertThat(x.input()).containsEntry("i", 5));
        assertThat(store.list("TRAINING_CHECK", RunStatus.SUCCEEDED, null, 2)).hasSize(2);
        var page1 = store.list(null, null, null, 4);
        var page2 = store.list(null, null, page1.get(3).startedAt(), 4);
        assertThat(page2).hasSize(2);
        assertThat(page2.get(0).input()).containsEntry("i", 1);
    }

    @Test
    void runsAndDetectionsShareOneTableWithoutSeeingEachOther() {
        String table = DynamoLocal.freshTableName("shared");
        DynamoRunStore runs = new DynamoRunStore(dynamo.client(), table);
        DynamoDetectionStore detections = new DynamoDetectionStore(dynamo.client(), table);
        assertThat(runs.createTableIfMissing()).isTrue();
        assertThat(detections.createTableIfMissing()).isFalse();
        new RunRecorder(runs, JdbcRunStoreTest.ticking(Instant.parse("2026-11-24T10:00:00Z"))).start("DETECTION", Map.of());
        Instant t = Instant.parse("2026-11-24T10:00:05Z");
        detections.insertIfAbsent(Detection.builder().id("det-1").objectKey("b/k/e").detectedAt(t).bucket("b").key("k")
                .etag("e").modelVersion("v1").outcome(Detection.Outcome.CLASSIFIED).label("cat").confidence(90.0)
                .threshold(70.0).reviewEnabled(true).build());

        assertThat(runs.list(null, null, null, 10)).hasSize(1);
        assertThat(detections.query(DetectionQuery.all(10)).detections()).extracting(Detection::id).containsExactly("det-1");
        assertThat(detections.stats(null).total()).isEqualTo(1);
    }
}
