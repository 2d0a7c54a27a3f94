package io.modelloop.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.text.Normalizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a {@link Notification} into the subject and JSON body every sink sends. The subject
 * follows SNS's rules (ASCII, no line breaks or control characters, under 100 characters) so
 * the same text works for e-mail and webhooks too.
 */
public final class NotificationFormatter {

    public static final int MAX_SUBJECT = 99;
    /** SNS takes at most 256 KB; data beyond this is left out (the log still has the event). */
    public static final int MAX_BODY_BYTES = 200_000;

    private static final ObjectMapper JSON = io.modelloop.config.Json.MAPPER;

    private final String source;

    /** @param source who sends, e.g. "ModelLoop local" */
    public NotificationFormatter(String source) {
        this.source = source;
    }

    public NotificationMessage format(Notification n) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", n.event());
        body.put("time", n.time().toString());
        body.put("details", n.details());
        body.put("source", source);
        body.put("data", n.data());
        try {
            String json = JSON.writeValueAsString(body);
            if (json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
                body.put("data", Map.of("truncated", true, "originalBytes", json.length()));
                String details = n.details();
                body.put("details", details.length() > 10_000 ? details.substring(0, 10_000) + "..." : details);
                json = JSON.writeValueAsString(body);
            }
            return new NotificationMessage(n.event(), subject(n.event() + ": " + n.details()), json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Notification " + n.event() + " cannot be serialised: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** An SNS-valid subject: accents folded, other non-ASCII and control characters dropped. */
    public static String subject(String text) {
        String folded = Normalizer.normalize("ModelLoop " + text, Normalizer.Form.NFKD);
        StringBuilder out = new StringBuilder();
        for (char c : folded.toCharArray()) {
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else if (Character.isWhitespace(c)) {
                out.append(' ');
            }
        }
        String s = out.toString().replaceAll(" {2,}", " ").trim();
        if (s.length() > MAX_SUBJECT) {
            s = s.substring(0, MAX_SUBJECT - 3).trim() + "...";
        }
        return s;
    }
}
