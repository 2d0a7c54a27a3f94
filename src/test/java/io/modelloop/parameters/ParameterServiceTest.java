package io.modelloop.parameters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelloop.testing.RecordingNotifier;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ParameterService on a real parameters file, as the local profile runs it. */
class ParameterServiceTest {

    private static final String F1 = ParameterDefinition.MINIMUM_F1_SCORE;

    @TempDir
    Path dir;

    Path file;
    FileParameterStore store;
    RecordingNotifier notifier;
    ParameterService service;
    List<ParameterChange> heard;

    @BeforeEach
    void setUp() {
        file = dir.resolve("parameters.properties");
        store = new FileParameterStore(file);
        notifier = new RecordingNotifier();
        service = new ParameterService(store, notifier);
        heard = new ArrayList<>();
        service.addListener((change, now) -> {
            // the values handed to listeners already hold the change
            assertThat(now.get(change.name())).isEqualTo(change.newValue());
            heard.add(change);
        });
    }

    @Test
    void startCreatesEveryMissingDefaultAndNotifiesOnce() throws IOException {
        service.start();

        Properties onDisk = load();
        for (ParameterDefinition d : ParameterDefinition.ALL) {
            assertThat(onDisk.getProperty(d.name())).as(d.name()).isEqualTo(d.defaultValue());
            assertThat(service.values().get(d.name())).isEqualTo(d.defaultValue());
        }
        assertThat(notifier.events("ParametersCreated")).singleElement().satisfies(n -> {
            assertThat((List<?>) n.data().get("parameters")).hasSize(10);
            assertThat(n.data().get("location")).isEqualTo(file.toAbsolutePath().toString());
        });

        // a second start on the same file creates nothing
        RecordingNotifier second = new RecordingNotifier();
        new ParameterService(new FileParameterStore(file), second).start();
        assertThat(second.events("ParametersCreated")).isEmpty();
    }

    @Test
    void startCreatesOnlyTheMissingOnesAndKeepsExistingValues() throws IOException {
        Files.writeString(file, F1 + "=0.9\n");
        service.start();

        assertThat(service.values().minimumF1Score()).isEqualTo(0.9);
        assertThat(load().getProperty(F1)).isEqualTo("0.9");
        assertThat(notifier.events("ParametersCreated")).singleElement()
                .satisfies(n -> assertThat((List<Object>) n.data().get("parameters")).hasSize(9).doesNotContain(F1));
    }

    @Test
    void invalidValueAtStartIsRefusedAndTheDefaultStays() throws IOException {
        Files.writeString(file, ParameterDefinition.AUTOMATIC_TRAINING_POLL_FREQUENCY + "=ten\n");
        service.start();

        assertThat(service.values().trainingPollMinutes()).isEqualTo(600);
        assertRejected(ParameterDefinition.AUTOMATIC_TRAINING_POLL_FREQUENCY, "ten",
                ParameterRule.WHOLE_NUMBER_AT_LEAST_1, "600");
    }

    @Test
    void restartWithAnInvalidValueKeepsTheValueThatWasInForceNotTheDefault() throws IOException {
        service.start();
        service.set(ParameterDefinition.AUTOMATIC_TRAINING_POLL_FREQUENCY, "30");
        editByHand(ParameterDefinition.AUTOMATIC_TRAINING_POLL_FREQUENCY, "thirty");

        RecordingNotifier afterRestart = new RecordingNotifier();
        ParameterService restarted = new ParameterService(new FileParameterStore(file), afterRestart);
        restarted.start();

        assertThat(restarted.values().trainingPollMinutes()).isEqualTo(30);
        assertThat(afterRestart.events("ParameterRejected")).singleElement()
                .satisfies(n -> assertThat(n.data()).containsEntry("valueInForce", "30"));
    }

    @Test
    void invalidHandEditIsNotAppliedAndTheLastValidValueStays() throws IOException {
        service.start();
        service.set(F1, "0.9");
        notifier.clear();
        heard.clear();

        editByHand(F1, "1.5");
        assertThat(service.refresh()).isEmpty();

        assertThat(service.values().minimumF1Score()).isEqualTo(0.9);
        assertThat(heard).isEmpty();
        assertThat(notifier.events("ParameterChanged")).isEmpty();
        assertRejected(F1, "1.5", ParameterRule.FRACTION_0_TO_1, "0.9");
        // the stored (refused) value is reported as stored, not as in force
        assertThat(service.storedValues()).containsEntry(F1, "1.5");

        // polling again does not repeat the notification for the same bad value
        service.refresh();
        assertThat(notifier.events("ParameterRejected")).hasSize(1);
    }

    @Test
    void aMalformedLineIsOneRejectionAndEveryOtherParameterKeepsWorking() throws IOException {
        service.start();
        service.set(F1, "0.9");
        notifier.clear();

        // a bad \\u escape made Properties.load throw for the whole file
        String text = Files.readString(file, StandardCharsets.UTF_8)
                .replace(F1 + "=0.9", F1 + "=0.\\u00zz")
                .replace(ParameterDefinition.HUMAN_SAMPLING_INTERVAL + "=1000", ParameterDefinition.HUMAN_SAMPLING_INTERVAL + "=500");
        Files.writeString(file, text, StandardCharsets.UTF_8);

        List<ParameterChange> applied = service.refresh();
        assertThat(applied).extracting(ParameterChange::name).containsExactly(ParameterDefinition.HUMAN_SAMPLING_INTERVAL);
        assertThat(service.values().humanSamplingInterval()).isEqualTo(500);
        assertThat(service.values().minimumF1Score()).isEqualTo(0.9);
        assertThat(service.lastError()).isNull();
        assertThat(notifier.events("ParameterRejected")).singleElement().satisfies(n -> {
            assertThat(n.data()).containsEntry("parameter", F1).containsEntry("valueInForce", "0.9");
            assertThat((String) n.data().get("value")).contains("u00zz");
        });
        service.refresh();
        assertThat(notifier.events("ParameterRejected")).hasSize(1);

        // a restart reads the same file: the rest still loads
        RecordingNotifier afterRestart = new RecordingNotifier();
        ParameterService restarted = new ParameterService(new FileParameterStore(file), afterRestart);
        restarted.start();
        assertThat(restarted.values().humanSamplingInterval()).isEqualTo(500);
        assertThat(afterRestart.events("ParameterRejected")).singleElement()
                .satisfies(n -> assertThat(n.data()).containsEntry("parameter", F1));
    }

    @Test
    void withSeveralReplicasEveryOneAppliesAChangeButOnlyTheLeaderNotifiesIt() throws IOException {
        service.start();
        RecordingNotifier followerNotifier = new RecordingNotifier();
        ParameterService follower = new ParameterService(new FileParameterStore(file), followerNotifier);
        follower.announceWhen(() -> false);
        List<ParameterChange> followerHeard = new ArrayList<>();
        follower.addListener((change, now) -> followerHeard.add(change));
        follower.start();
        notifier.clear();
        heard.clear();

        // set through the follower's API: it applies at once, silently; the leader's poll notifies
        follower.set(F1, "0.9");
        assertThat(follower.values().minimumF1Score()).isEqualTo(0.9);
        assertThat(followerHeard).extracting(ParameterChange::name).containsExactly(F1);
        assertThat(service.refresh()).extracting(ParameterChange::name).containsExactly(F1);
        assertThat(notifier.events("ParameterChanged")).singleElement()
                .satisfies(n -> assertThat(n.data()).containsEntry("newValue", "0.9"));

        // a bad hand edit is refused by both, reported by the leader only
        editByHand(F1, "1.5");
        follower.refresh();
        service.refresh();
        assertThat(follower.values().minimumF1Score()).isEqualTo(0.9);
        assertThat(notifier.events("ParameterRejected")).hasSize(1);

        // a parameter deleted by hand is written back by the leader only
        Properties p = load();
        p.remove(ParameterDefinition.HUMAN_SAMPLING_INTERVAL);
        store(p);
        follower.refresh();
        assertThat(load().getProperty(ParameterDefinition.HUMAN_SAMPLING_INTERVAL)).isNull();
        service.refresh();
        assertThat(load().getProperty(ParameterDefinition.HUMAN_SAMPLING_INTERVAL)).isNotNull();
        assertThat(followerNotifier.all()).isEmpty();
    }

    @Test
    void invalidIntegersAreRefusedOneByOne() throws IOException {
        service.start();
        String p = ParameterDefinition.HUMAN_SAMPLING_INTERVAL;
        for (String bad : List.of("ten", "1,000", "-3", "1.5", "0")) {
            notifier.clear();
            editByHand(p, bad);
            service.refresh();
            assertThat(service.values().humanSamplingInterval()).as(bad).isEqualTo(1000);
            assertRejected(p, bad, ParameterRule.WHOLE_NUMBER_AT_LEAST_1, "1000");
        }
    }

    @Test
    void validHandEditIsAppliedToldToListenersAndNotifiedWithOldAndNewValue() throws IOException {
        service.start();
        notifier.clear();

        editByHand(ParameterDefinition.MINIMUM_LABEL_DETECTION_CONFIDENCE, "85.5");
        List<ParameterChange> applied = service.refresh();

        ParameterChange expected = new ParameterChange(ParameterDefinition.MINIMUM_LABEL_DETECTION_CONFIDENCE, "70", "85.5");
        assertThat(applied).containsExactly(expected);
        assertThat(heard).containsExactly(expected);
        assertThat(service.values().minimumLabelDetectionConfidence()).isEqualTo(85.5);
        assertThat(notifier.events("ParameterChanged")).singleElement().satisfies(n -> assertThat(n.data())
                .containsEntry("parameter", ParameterDefinition.MINIMUM_LABEL_DETECTION_CONFIDENCE)
                .containsEntry("oldValue", "70")
                .containsEntry("newValue", "85.5"));
        assertThat(notifier.events("ParameterRejected")).isEmpty();

        // nothing changed since: a refresh applies and notifies nothing
        notifier.clear();
        assertThat(service.refresh()).isEmpty();
        assertThat(notifier.all()).isEmpty();
    }

    @Test
    void booleanInAnyCaseIsAppliedInLowerCase() throws IOException {
        service.start();
        editByHand(ParameterDefinition.ENABLE_AUTOMATIC_TRAINING, "FALSE");
        service.refresh();
        assertThat(service.values().automaticTrainingEnabled()).isFalse();
        assertThat(heard).containsExactly(new ParameterChange(ParameterDefinition.ENABLE_AUTOMATIC_TRAINING, "true", "false"));

        // same value in another case: nothing to apply
        heard.clear();
        editByHand(ParameterDefinition.ENABLE_AUTOMATIC_TRAINING, "False");
        assertThat(service.refresh()).isEmpty();
        assertThat(heard).isEmpty();
    }

    @Test
    void setStoresAppliesAndNotifies() throws IOException {
        service.start();
        notifier.clear();

        List<ParameterChange> applied = service.set(F1, "0.9");

        assertThat(applied).containsExactly(new ParameterChange(F1, "0.8", "0.9"));
        assertThat(heard).containsExactly(new ParameterChange(F1, "0.8", "0.9"));
        assertThat(load().getProperty(F1)).isEqualTo("0.9");
        assertThat(service.values().minimumF1Score()).isEqualTo(0.9);
        assertThat(notifier.events("ParameterChanged")).singleElement()
                .satisfies(n -> assertThat(n.data()).containsEntry("oldValue", "0.8").containsEntry("newValue", "0.9"));
    }

    @Test
    void setWithAnInvalidValueThrowsAndStoresNothing() throws IOException {
        service.start();
        String before = Files.readString(file);
        notifier.clear();

        assertThatThrownBy(() -> service.set(F1, "1.5"))
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> {
                    assertThat(e.parameter()).isEqualTo(F1);
                    assertThat(e.value()).isEqualTo("1.5");
                    assertThat(e.rule()).isEqualTo(ParameterRule.FRACTION_0_TO_1.description());
                });

        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(service.values().minimumF1Score()).isEqualTo(0.8);
        assertThat(heard).isEmpty();
        assertThat(notifier.events("ParameterChanged")).isEmpty();
    }

    @Test
    void setRefusesTheSystemStateAndUnknownNames() throws IOException {
        service.start();
        String before = Files.readString(file);

        assertThatThrownBy(() -> service.set(ParameterDefinition.SYSTEM_STATE, "{\"runningModelVersion\":\"evil\"}"))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining(ParameterDefinition.SYSTEM_STATE);
        assertThatThrownBy(() -> service.set("Minimum-F2-Score", "0.5"))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("unknown parameter");
        // names are exact
        assertThatThrownBy(() -> service.set("minimum-f1-score", "0.5"))
                .isInstanceOf(InvalidParameterException.class);

        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(load()).doesNotContainKeys(ParameterDefinition.SYSTEM_STATE, "Minimum-F2-Score", "minimum-f1-score");
        assertThat(heard).isEmpty();
    }

    @Test
    void parameterDeletedFromTheFileIsWrittenBackWithTheValueInForce() throws IOException {
        service.start();
        service.set(ParameterDefinition.MINIMUM_UNTRAINED_IMAGES, "25");
        notifier.clear();
        heard.clear();

        Properties p = load();
        p.remove(ParameterDefinition.MINIMUM_UNTRAINED_IMAGES);
        store(p);
        assertThat(load()).doesNotContainKey(ParameterDefinition.MINIMUM_UNTRAINED_IMAGES);

        assertThat(service.refresh()).isEmpty();

        assertThat(load().getProperty(ParameterDefinition.MINIMUM_UNTRAINED_IMAGES)).isEqualTo("25");
        assertThat(service.values().minimumUntrainedImages()).isEqualTo(25);
        assertThat(heard).isEmpty();
        assertThat(notifier.events("ParameterRestored")).singleElement()
                .satisfies(n -> assertThat(n.data())
                        .containsEntry("parameter", ParameterDefinition.MINIMUM_UNTRAINED_IMAGES)
                        .containsEntry("value", "25"));
    }

    @Test
    void fixingAnInvalidEditAppliesTheNewValue() throws IOException {
        service.start();
        editByHand(F1, "abc");
        service.refresh();
        editByHand(F1, "0.7");
        service.refresh();
        assertThat(service.values().minimumF1Score()).isEqualTo(0.7);
        assertThat(heard).containsExactly(new ParameterChange(F1, "0.8", "0.7"));
    }

    private void assertRejected(String parameter, String value, ParameterRule rule, String inForce) {
        assertThat(notifier.events("ParameterRejected")).singleElement().satisfies(n -> {
            assertThat(n.data())
                    .containsEntry("parameter", parameter)
                    .containsEntry("value", value)
                    .containsEntry("rule", rule.description())
                    .containsEntry("valueInForce", inForce);
            assertThat(n.details()).contains(parameter, "'" + value + "'", rule.description());
        });
    }

    /** Changes one line of the file the way an operator's editor would (no lock, no service). */
    private void editByHand(String name, String value) throws IOException {
        Properties p = load();
        p.setProperty(name, value);
        store(p);
    }

    private Properties load() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    private void store(Properties p) throws IOException {
        try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "edited by hand");
        }
    }

    @Test
    void historyRecordsApiSetsWithTheUserAndHandEditsNewestFirst() throws IOException {
        service.start();
        service.set(F1, "0.9", "alice");
        service.set(F1, "0.9", "alice"); // no change, no entry
        Files.writeString(file, Files.readString(file).replace(F1 + "=0.9", F1 + "=0.7"));
        service.refresh();
        service.set(F1, "0.85");

        List<ParameterHistoryEntry> history = service.history(F1, 10);
        assertThat(history).extracting(ParameterHistoryEntry::value).containsExactly("0.85", "0.7", "0.9");
        assertThat(history).extracting(ParameterHistoryEntry::source).containsExactly(
                ParameterHistoryEntry.CONSOLE_API, ParameterHistoryEntry.FILE_EDIT, ParameterHistoryEntry.CONSOLE_API);
        assertThat(history).extracting(ParameterHistoryEntry::changedBy).containsExactly(null, null, "alice");
        assertThat(history.get(0).changedAt()).isAfterOrEqualTo(history.get(1).changedAt());
        assertThat(service.history(F1, 2)).hasSize(2);
        assertThat(service.history(ParameterDefinition.HUMAN_SAMPLING_INTERVAL, 10)).isEmpty();
        assertThat(store.historyFile()).isEqualTo(dir.resolve("parameters.history.jsonl").toAbsolutePath());
        assertThatThrownBy(() -> service.history("No-Such-Parameter", 10)).isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> service.history(ParameterDefinition.SYSTEM_STATE, 10))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void aValueTheCliRecordedIsNotRecordedAgainAsAHandEditWhenThePollSeesIt() {
        service.start();
        // what `params set` does: write, then record with its own source
        store.write(F1, "0.6");
        store.recordChange(F1, new ParameterHistoryEntry("0.6", java.time.Instant.now(), "operator", ParameterHistoryEntry.CLI));
        service.refresh();

        assertThat(service.values().get(F1)).isEqualTo("0.6");
        assertThat(service.history(F1, 10)).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo(ParameterHistoryEntry.CLI);
            assertThat(e.changedBy()).isEqualTo("operator");
        });
    }

    @Test
    void theHistoryFileIsTrimmedToTheLastThousandEntriesAndSkipsDamagedLines() throws IOException {
        Path historyFile = store.historyFile();
        Files.createDirectories(historyFile.getParent());
        Files.writeString(historyFile, "not json\n");
        java.time.Instant t = java.time.Instant.parse("2026-11-24T10:00:00Z");
        for (int i = 0; i < 1300; i++) {
            store.recordChange(F1, new ParameterHistoryEntry(Integer.toString(i), t.plusSeconds(i), null, "test"));
        }
        long lines = Files.readAllLines(historyFile).size();
        assertThat(lines).isBetween(1000L, 1200L);
        List<ParameterHistoryEntry> kept = store.history(F1, 5000);
        assertThat(kept).hasSize((int) lines);
        assertThat(kept.get(0).value()).isEqualTo("1299");
        assertThat(kept.get(kept.size() - 1).value()).isEqualTo(Integer.toString((int) (1300 - lines)));
    }
}
