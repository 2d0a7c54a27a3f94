package io.modelloop.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandOffLedgerTest {

    @TempDir
    Path dir;

    @Test
    void recordedKeysSurviveReopeningEvenWithOddCharacters() throws Exception {
        Path file = dir.resolve("sub/ledger.txt");
        HandOffLedger ledger = new HandOffLedger(file);
        String odd = "bucket/images_for_detection/line\nbreak + 100% é.jpg/abc";
        ledger.record(odd);
        ledger.record("bucket/images_for_detection/a.jpg/def");
        ledger.record("bucket/images_for_detection/a.jpg/def");

        HandOffLedger reopened = new HandOffLedger(file);
        assertThat(reopened.contains(odd)).isTrue();
        assertThat(reopened.contains("bucket/images_for_detection/a.jpg/def")).isTrue();
        assertThat(reopened.contains("bucket/images_for_detection/a.jpg/other")).isFalse();
        assertThat(Files.readAllLines(file)).hasSize(2);
    }

    @Test
    void versionsNoLongerListedAreDroppedFromTheFile() throws Exception {
        Path file = dir.resolve("ledger.txt");
        HandOffLedger ledger = new HandOffLedger(file);
        ledger.record("b/k1/e1");
        ledger.record("b/k2/e2");
        ledger.record("b/k3/e3");

        assertThat(ledger.retainOnly(Set.of("b/k2/e2", "b/k9/e9"))).isEqualTo(2);
        ledger.record("b/k4/e4");

        HandOffLedger reopened = new HandOffLedger(file);
        assertThat(reopened.size()).isEqualTo(2);
        assertThat(reopened.contains("b/k2/e2")).isTrue();
        assertThat(reopened.contains("b/k4/e4")).isTrue();
        assertThat(reopened.contains("b/k1/e1")).isFalse();
    }
}
