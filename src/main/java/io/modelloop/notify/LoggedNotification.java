package io.modelloop.notify;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One entry of the {@link NotificationLog}: when, the event type, its sentence and its data.
 * Entries are kept small (the console lists them, DynamoDB items are capped at 400 KB): a long
 * message is cut and data over {@link #MAX_DETAILS_CHARS} is replaced by a marker; the sinks
 * still deliver the whole notification.
 *
 * @param id identifies the entry in the store; not shown by the API
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"at", "type", "message", "details"})
public record LoggedNotification(@JsonIgnore String id, Instant at, String type, String message, Map<String, Object> details) {

    public static final int MAX_MESSAGE_CHARS = 1000;
    public static final int MAX_DETAILS_CHARS = 4000;
    private static final ObjectMapper JSON = io.modelloop.config.Json.MAPPER;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    public static LoggedNotification of(Notification n) {
        String message = n.details() == null || n.details().length() <= MAX_MESSAGE_CHARS ? n.details()
                : n.details().substring(0, MAX_MESSAGE_CHARS) + "...";
        Map<String, Object> details = Map.copyOf(n.data());
        String json = detailsJson(details);
        if (json.length() > MAX_DETAILS_CHARS) {
            details = Map.of("truncated", true, "originalBytes", json.getBytes(StandardCharsets.UTF_8).length);
        }
        return new LoggedNotification(UUID.randomUUID().toString(), n.time(), n.event(), message, details);
    }

    /** The details as the stores keep them: a JSON object. */
    public String detailsJson() {
        return detailsJson(details);
    }

    public static Map<String, Object> parseDetails(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            return Map.of("unreadable", json.length() > 200 ? json.substring(0, 200) + "..." : json);
        }
    }

    private static String detailsJson(Map<String, ?> details) {
        try {
            return JSON.writeValueAsString(details == null ? Map.of() : details);
        } catch (JsonProcessingException e) {
            return "{\"unserialisable\":true}";
        }
    }
}
