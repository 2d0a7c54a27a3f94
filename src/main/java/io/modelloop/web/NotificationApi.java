package io.modelloop.web;

import io.modelloop.notify.LoggedNotification;
import io.modelloop.notify.NotificationLog;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * GET /api/notifications (limit, before): the notification log, newest first. "next" is the
 * time of the last entry shown, to pass as before for the following page (null on the last
 * page); like /api/runs, the page boundary is a time, which is exact while two notifications
 * do not share a microsecond.
 */
public final class NotificationApi {

    static final int MAX_LIMIT = 500;
    private static final String USAGE = "limit: 1-" + MAX_LIMIT + " (default 50), before: ISO instant (the next value of a previous page)";

    private final NotificationLog log;

    public NotificationApi(NotificationLog log) {
        this.log = log;
    }

    public void list(Exchange exchange) {
        int limit;
        Instant before;
        try {
            limit = QueryParams.wholeNumber(exchange, "limit", 50, 1, MAX_LIMIT);
            before = QueryParams.instant(exchange, "before");
        } catch (IllegalArgumentException e) {
            JsonResponses.reply(exchange, 400, Map.of("error", e.getMessage(), "usage", USAGE));
            return;
        }
        // one more than asked tells whether a next page exists
        List<LoggedNotification> found = log.newestFirst(before, limit + 1);
        List<LoggedNotification> page = found.size() > limit ? found.subList(0, limit) : found;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("notifications", page);
        body.put("next", found.size() > limit ? page.get(page.size() - 1).at().toString() : null);
        JsonResponses.reply(exchange, 200, body);
    }
}
