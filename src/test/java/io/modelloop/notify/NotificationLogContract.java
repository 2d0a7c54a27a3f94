package io.modelloop.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every NotificationLog does; subclasses supply a fresh, empty log. */
abstract class NotificationLogContract {

    static final Instant T0 = Instant.parse("2026-11-24T10:00:00.123456Z");

    NotificationLog log;

    protected abstract NotificationLog newLog() throws Exception;

    @BeforeEach
    void open() throws Exception {
        log = newLog();
    }

    static Notification notification(String event, int i) {
        return new Notification(event, event + " number " + i, Map.of("i", i, "label", "cat"), T0.plusSeconds(i));
    }

    @Test
    void listsNewestFirstAndPagesWithBefore() {
        for (int i = 0; i < 7; i++) {
            log.append(LoggedNotification.of(notification(i % 2 == 0 ? "ImageClassified" : "ParameterChanged", i)));
        }

        List<LoggedNotification> first = log.newestFirst(null, 3);
        assertThat(first).extracting(LoggedNotification::message)
                .containsExactly("ImageClassified number 6", "ParameterChanged number 5", "ImageClassified number 4");
        LoggedNotification newest = first.get(0);
        assertThat(newest.at()).isEqualTo(T0.plusSeconds(6));
        assertThat(newest.type()).isEqualTo("ImageClassified");
        assertThat(newest.details()).containsEntry("i", 6).containsEntry("label", "cat");

        List<LoggedNotification> second = log.newestFirst(first.get(2).at(), 3);
        assertThat(second).extracting(LoggedNotification::at)
                .containsExactly(T0.plusSeconds(3), T0.plusSeconds(2), T0.plusSeconds(1));
        assertThat(log.newestFirst(second.get(2).at(), 3)).extracting(LoggedNotification::at).containsExactly(T0);
        assertThat(log.newestFirst(T0, 3)).isEmpty();
    }

    @Test
    void largeDetailsAreReplacedByAMarkerAndLongMessagesCut() {
        String big = "x".repeat(LoggedNotification.MAX_DETAILS_CHARS + 10);
        log.append(LoggedNotification.of(new Notification("TrainingFailed", "y".repeat(5000), Map.of("log", big), T0)));

        LoggedNotification stored = log.newestFirst(null, 1).get(0);
        assertThat(stored.details()).containsEntry("truncated", true).doesNotContainKey("log");
        assertThat(stored.message()).hasSize(LoggedNotification.MAX_MESSAGE_CHARS + 3).endsWith("...");
    }
}
