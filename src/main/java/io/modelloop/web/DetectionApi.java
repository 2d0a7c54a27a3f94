package io.modelloop.web;

import io.modelloop.detection.Detection;
import io.modelloop.detection.DetectionPage;
import io.modelloop.detection.DetectionQuery;
import io.modelloop.detection.DetectionStore;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * GET /api/detections (from, to, label, reviewed, sampled, belowThreshold, outcome, limit,
 * cursor), GET /api/detections/stats (since) and GET /api/detections/{id}.
 */
public final class DetectionApi {

    static final int MAX_LIMIT = 500;
    private static final String USAGE = "from/to: ISO instants (e.g. 2026-11-24T10:00:00Z), "
            + "reviewed/sampled/belowThreshold: true|false, outcome: CLASSIFIED|NO_MODEL|REJECTED, "
            + "limit: 1-" + MAX_LIMIT + ", cursor: the next value of a previous page";

    private final DetectionStore detections;

    public DetectionApi(DetectionStore detections) {
        this.detections = detections;
    }

    public void list(Exchange exchange) {
        DetectionQuery query;
        try {
            query = new DetectionQuery(instant(exchange, "from"), instant(exchange, "to"), param(exchange, "label"),
                    bool(exchange, "reviewed"), bool(exchange, "sampled"), bool(exchange, "belowThreshold"),
                    outcome(exchange), limit(exchange), param(exchange, "cursor"));
        } catch (IllegalArgumentException e) {
            JsonResponses.reply(exchange, 400, Map.of("error", e.getMessage(), "usage", USAGE));
            return;
        }
        DetectionPage page;
        try {
            page = detections.query(query);
        } catch (IllegalArgumentException e) { // a cursor that no page issued
            JsonResponses.reply(exchange, 400, Map.of("error", "bad cursor: " + e.getMessage(), "usage", USAGE));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("detections", page.detections());
        body.put("next", page.nextCursor());
        JsonResponses.reply(exchange, 200, body);
    }

    public void stats(Exchange exchange) {
        Instant since;
        try {
            since = instant(exchange, "since");
        } catch (IllegalArgumentException e) {
            JsonResponses.reply(exchange, 400, Map.of("error", e.getMessage(), "usage", "since: ISO instant"));
            return;
        }
        JsonResponses.reply(exchange, 200, detections.stats(since));
    }

    public void get(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        detections.get(id).ifPresentOrElse(d -> JsonResponses.reply(exchange, 200, d),
                () -> JsonResponses.reply(exchange, 404, Map.of("error", "no detection " + id)));
    }

    private static String param(Exchange exchange, String name) {
        String s = exchange.getMessage().getHeader(name, String.class);
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Instant instant(Exchange exchange, String name) {
        String s = param(exchange, name);
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO instant such as 2026-11-24T10:00:00Z, got '" + s + "'");
        }
    }

    private static Boolean bool(Exchange exchange, String name) {
        String s = param(exchange, name);
        if (s == null) {
            return null;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + s + "'");
        };
    }

    private static Detection.Outcome outcome(Exchange exchange) {
        String s = param(exchange, "outcome");
        try {
            return s == null ? null : Detection.Outcome.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("outcome must be CLASSIFIED, NO_MODEL or REJECTED, got '" + s + "'");
        }
    }

    private static int limit(Exchange exchange) {
        String s = param(exchange, "limit");
        if (s == null) {
            return 50;
        }
        try {
            int limit = Integer.parseInt(s);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("limit must be a whole number from 1 to " + MAX_LIMIT + ", got '" + s + "'");
    }
}
