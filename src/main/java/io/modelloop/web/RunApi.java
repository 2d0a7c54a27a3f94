package io.modelloop.web;

import io.modelloop.runs.RunRecord;
import io.modelloop.runs.RunStore;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;

/** GET /api/runs (type, status, before, limit) and GET /api/runs/{id}. */
public final class RunApi {

    private final RunStore runs;

    public RunApi(RunStore runs) {
        this.runs = runs;
    }

    public void list(Exchange exchange) {
        var m = exchange.getMessage();
        String type = blankToNull(m.getHeader("type", String.class));
        String statusText = blankToNull(m.getHeader("status", String.class));
        String beforeText = blankToNull(m.getHeader("before", String.class));
        String limitText = blankToNull(m.getHeader("limit", String.class));
        try {
            RunRecord.RunStatus status = statusText == null ? null : RunRecord.RunStatus.valueOf(statusText.toUpperCase(Locale.ROOT));
            Instant before = beforeText == null ? null : Instant.parse(beforeText);
            int limit = limitText == null ? 50 : Integer.parseInt(limitText);
            if (limit < 1 || limit > 1000) {
                throw new IllegalArgumentException("limit must be from 1 to 1000");
            }
            var list = runs.list(type == null ? null : type.toUpperCase(Locale.ROOT), status, before, limit);
            JsonResponses.reply(exchange, 200, Map.of("runs", list,
                    "next", list.size() == limit ? list.get(list.size() - 1).startedAt().toString() : ""));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            JsonResponses.reply(exchange, 400, Map.of("error", "bad query: " + e.getMessage()
                    + " (status: RUNNING|SUCCEEDED|FAILED, before: ISO instant, limit: 1-1000)"));
        }
    }

    public void get(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        runs.get(id).ifPresentOrElse(r -> JsonResponses.reply(exchange, 200, r),
                () -> JsonResponses.reply(exchange, 404, Map.of("error", "no run " + id)));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
