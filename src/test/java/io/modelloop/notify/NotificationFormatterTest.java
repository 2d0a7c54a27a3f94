package io.modelloop.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationFormatterTest {

    private final NotificationFormatter formatter = new NotificationFormatter("ModelLoop test");

    @Test
    void bodyCarriesEventTimeDetailsAndData() throws Exception {
        Instant t = Instant.parse("2026-11-24T10:15:30Z");
        NotificationMessage m = formatter.format(new Notification("ParameterChanged", "F1 changed",
                Map.of("parameter", "Minimum-F1-Score"), t));
        JsonNode json = new ObjectMapper().readTree(m.json());
        assertThat(json.path("event").asText()).isEqualTo("ParameterChanged");
        assertThat(json.path("time").asText()).isEqualTo("2026-11-24T10:15:30Z");
        assertThat(json.path("details").asText()).isEqualTo("F1 changed");
        assertThat(json.path("data").path("parameter").asText()).isEqualTo("Minimum-F1-Score");
        assertThat(m.subject()).isEqualTo("ModelLoop ParameterChanged: F1 changed");
    }

    @Test
    void subjectIsPrintableAsciiWithoutLineBreaksAndShort() {
        String s = NotificationFormatter.subject("Étiquette\r\nnouvelle ✓ 猫\t" + "x".repeat(300));
        assertThat(s).matches("[\\x20-\\x7e]+").doesNotContain("\n").hasSizeLessThanOrEqualTo(99)
                .startsWith("ModelLoop Etiquette nouvelle").endsWith("...");
    }

    @Test
    void oversizedDataIsLeftOutSoSnsAcceptsTheMessage() throws Exception {
        NotificationMessage m = formatter.format(new Notification("Big", "d",
                Map.of("blob", "y".repeat(300_000)), Instant.now()));
        assertThat(m.json().getBytes(StandardCharsets.UTF_8).length).isLessThan(NotificationFormatter.MAX_BODY_BYTES);
        JsonNode json = new ObjectMapper().readTree(m.json());
        assertThat(json.path("data").path("truncated").asBoolean()).isTrue();
        assertThat(json.path("event").asText()).isEqualTo("Big");
    }

    @Test
    void webhookErrorsNameTheHostButNotTheTokenInPathOrQuery() {
        assertThat(NotificationSinks.shownAs("https://hooks.example.com/services/T0/B0/SECRET?token=abc"))
                .isEqualTo("https://hooks.example.com");
        assertThat(NotificationSinks.shownAs("http://127.0.0.1:8089/hook")).isEqualTo("http://127.0.0.1:8089");
    }
}
