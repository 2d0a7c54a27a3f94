package io.modelloop.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationRecorderTest {

    /** A log whose store is down. */
    static final class BrokenLog implements NotificationLog {
        @Override
        public void append(LoggedNotification entry) {
            throw new IllegalStateException("database is gone");
        }

        @Override
        public List<LoggedNotification> newestFirst(Instant before, int limit) {
            return List.of();
        }
    }

    @Test
    void aFailingLogDoesNotStopTheRoute() {
        NotificationRecorder recorder = new NotificationRecorder(new BrokenLog());
        assertThatCode(() -> recorder.record(new Notification("ModelRunning", "v1 runs", Map.of(), Instant.now())))
                .doesNotThrowAnyException();
    }

    @Test
    void recordsWhatItIsGiven() {
        List<LoggedNotification> appended = new ArrayList<>();
        NotificationRecorder recorder = new NotificationRecorder(new NotificationLog() {
            @Override
            public void append(LoggedNotification entry) {
                appended.add(entry);
            }

            @Override
            public List<LoggedNotification> newestFirst(Instant before, int limit) {
                return appended;
            }
        });
        Instant at = Instant.parse("2026-11-24T10:00:00Z");
        recorder.record(new Notification("ModelRunning", "v1 runs", Map.of("version", "v1"), at));
        assertThat(appended).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("ModelRunning");
            assertThat(e.at()).isEqualTo(at);
            assertThat(e.message()).isEqualTo("v1 runs");
            assertThat(e.details()).containsEntry("version", "v1");
            assertThat(e.id()).isNotBlank();
        });
    }
}
