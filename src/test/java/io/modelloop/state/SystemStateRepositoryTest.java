package io.modelloop.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.parameters.FileParameterStore;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.parameters.ParameterService;
import io.modelloop.testing.RecordingNotifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The machine-written system state survives restarts and lives beside the parameters untouched. */
class SystemStateRepositoryTest {

    private static final Instant NOW = Instant.parse("2026-11-02T10:15:30Z");

    @TempDir
    Path dir;

    @Test
    void emptyWhenNothingWasWritten() {
        var repo = new SystemStateRepository(new FileParameterStore(dir.resolve("parameters.properties")), Clock.systemUTC());
        assertThat(repo.load()).isEqualTo(SystemState.empty());
    }

    @Test
    void stateWrittenSurvivesANewStoreAndRepositoryOnTheSameFile() {
        Path file = dir.resolve("parameters.properties");
        var run = new SystemState.TrainingRun("run-7", "v7", "arn:v7", "manifests/run-7.json", 120,
                NOW.minusSeconds(60), SystemState.TrainingRun.Phase.TRAINING, NOW.minusSeconds(60));
        var first = new SystemStateRepository(new FileParameterStore(file), Clock.fixed(NOW, ZoneOffset.UTC));
        SystemState written = first.update(s -> s.withRunningModelVersion("v6").withTrainedImageCount(100)
                .withTrainingRunInProgress(run).withLastSampled("det-42", NOW.minusSeconds(5)));
        assertThat(written.updatedAt()).isEqualTo(NOW);

        // "restart": nothing shared with the first instance but the file
        var second = new SystemStateRepository(new FileParameterStore(file), Clock.systemUTC());
        SystemState loaded = second.load();

        assertThat(loaded).isEqualTo(written);
        assertThat(loaded.runningModelVersion()).isEqualTo("v6");
        assertThat(loaded.trainedImageCount()).isEqualTo(100);
        assertThat(loaded.trainingRunInProgress()).isEqualTo(run);
        assertThat(loaded.lastSampledDetectionId()).isEqualTo("det-42");

        // an update after restart builds on what was stored
        SystemState next = second.update(s -> s.withTrainingRunInProgress(null).withRunningModelVersion("v7"));
        assertThat(new SystemStateRepository(new FileParameterStore(file), Clock.systemUTC()).load())
                .satisfies(s -> {
                    assertThat(s).isEqualTo(next);
                    assertThat(s.runningModelVersion()).isEqualTo("v7");
                    assertThat(s.trainedImageCount()).isEqualTo(100);
                    assertThat(s.trainingRunInProgress()).isNull();
                });
    }

    @Test
    void parameterChangesKeepTheStateAndTheStateKeepsTheParameters() throws Exception {
        Path file = dir.resolve("parameters.properties");
        var store = new FileParameterStore(file);
        var notifier = new RecordingNotifier();
        var service = new ParameterService(store, notifier);
        service.start();
        var repo = new SystemStateRepository(store, Clock.systemUTC());
        SystemState written = repo.update(s -> s.withRunningModelVersion("v3"));

        service.set(ParameterDefinition.MINIMUM_F1_SCORE, "0.9");
        repo.update(s -> s.withTrainedImageCount(55));

        // restart: both the parameter and the state come back
        var after = new ParameterService(new FileParameterStore(file), new RecordingNotifier());
        after.start();
        assertThat(after.values().minimumF1Score()).isEqualTo(0.9);
        SystemState loaded = new SystemStateRepository(new FileParameterStore(file), Clock.systemUTC()).load();
        assertThat(loaded.runningModelVersion()).isEqualTo(written.runningModelVersion());
        assertThat(loaded.trainedImageCount()).isEqualTo(55);

        // the state is never mistaken for a parameter: refreshing does not touch or report it
        notifier.clear();
        service.refresh();
        assertThat(notifier.all()).isEmpty();
        // ...and it is not in the file people edit
        assertThat(Files.readString(file)).doesNotContain(ParameterDefinition.SYSTEM_STATE + "=");
        assertThat(Files.readString(dir.resolve("system-state.json"))).contains("\"runningModelVersion\":\"v3\"");
    }

    @Test
    void emptyingOrDeletingTheParametersFileKeepsTheState() throws Exception {
        Path file = dir.resolve("parameters.properties");
        var service = new ParameterService(new FileParameterStore(file), new RecordingNotifier());
        service.start();
        new SystemStateRepository(new FileParameterStore(file), Clock.systemUTC())
                .update(s -> s.withRunningModelVersion("v9").withTrainedImageCount(40));

        Files.writeString(file, "");
        assertThat(new SystemStateRepository(new FileParameterStore(file), Clock.systemUTC()).load())
                .satisfies(s -> assertThat(s.runningModelVersion()).isEqualTo("v9"));
        Files.delete(file);
        SystemState after = new SystemStateRepository(new FileParameterStore(file), Clock.systemUTC()).load();
        assertThat(after.runningModelVersion()).isEqualTo("v9");
        assertThat(after.trainedImageCount()).isEqualTo(40);
    }

    @Test
    void aStateStillInAnOldParametersFileIsMovedToItsOwnFileOnce() throws Exception {
        Path file = dir.resolve("parameters.properties");
        // how earlier versions stored it
        new FileParameterStore(file).write(ParameterDefinition.SYSTEM_STATE, "{\"runningModelVersion\":\"v-old\",\"trainedImageCount\":12}");
        new FileParameterStore(file).write(ParameterDefinition.MINIMUM_F1_SCORE, "0.7");

        SystemState loaded = new SystemStateRepository(new FileParameterStore(file), Clock.systemUTC()).load();
        assertThat(loaded.runningModelVersion()).isEqualTo("v-old");
        assertThat(loaded.trainedImageCount()).isEqualTo(12);
        assertThat(Files.readString(file)).doesNotContain(ParameterDefinition.SYSTEM_STATE + "=").contains("Minimum-F1-Score=0.7");
        assertThat(dir.resolve("system-state.json")).exists();

        // the moved state is the one from now on
        new SystemStateRepository(new FileParameterStore(file), Clock.systemUTC()).update(s -> s.withRunningModelVersion("v-new"));
        assertThat(new SystemStateRepository(new FileParameterStore(file), Clock.systemUTC()).load().runningModelVersion())
                .isEqualTo("v-new");
    }
}
