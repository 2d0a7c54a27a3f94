package io.modelloop.web;

import io.modelloop.detection.Detection;
import io.modelloop.detection.DetectionPage;
import io.modelloop.detection.DetectionQuery;
import io.modelloop.detection.DetectionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * GET /api/detections (from, to, label, reviewed, sampled, belowThreshold, outcome, limit,
 * cursor), GET /api/detections/stats (since), GET /api/detections/{id} and
 * GET /api/detections/{id}/image (the detected image's bytes, for the console's thumbnails).
 */
public final class DetectionApi {

    static final int MAX_LIMIT = 500;
    private static final String USAGE = "from/to: ISO instants (e.g. 2026-11-24T10:00:00Z), "
            + "reviewed/sampled/belowThreshold: true|false, outcome: CLASSIFIED|NO_MODEL|REJECTED, "
            + "limit: 1-" + MAX_LIMIT + ", cursor: the next value of a previous page";

    // ids are made by ObjectVersion.detectionId(); anything else cannot name a record
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final DetectionStore detections;
    private final S3Client s3;

    public DetectionApi(DetectionStore detections) {
        this(detections, null);
    }

    /** @param s3 where the detected images are read from; null answers 404 for every image */
    public DetectionApi(DetectionStore detections, S3Client s3) {
        this.detections = detections;
        this.s3 = s3;
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

    /**
     * Only the object the detection record names is read, so the id cannot be used to fetch
     * arbitrary keys; the browser gets it from the application (same origin, signed in) rather
     * than from the object store.
     */
    public void image(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (id == null || !ID.matcher(id).matches()) {
            JsonResponses.reply(exchange, 400, Map.of("error", "bad detection id"));
            return;
        }
        Detection d = detections.get(id).orElse(null);
        if (d == null || s3 == null || d.bucket() == null || d.key() == null) {
            JsonResponses.reply(exchange, 404, Map.of("error", d == null ? "no detection " + id : "no image for detection " + id));
            return;
        }
        byte[] bytes;
        String type;
        try (var in = s3.getObject(b -> b.bucket(d.bucket()).key(d.key()))) {
            type = in.response().contentType();
            bytes = in.readAllBytes();
        } catch (NoSuchKeyException e) {
            JsonResponses.reply(exchange, 404, Map.of("error", "the image of detection " + id + " is no longer in the object store"));
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the image of detection " + id + " failed", e);
        }
        if (type == null || type.isBlank() || type.startsWith("application/octet-stream") || type.startsWith("binary/")) {
            type = imageType(d.key());
        }
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, type);
        m.setHeader("Cache-Control", "private, max-age=300");
        m.setBody(bytes);
    }

    // nosniff is on, so a wrong type would show a broken thumbnail
    private static String imageType(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.endsWith(".png")) {
            return "image/png";
        }
        return k.endsWith(".jpg") || k.endsWith(".jpeg") ? "image/jpeg" : "application/octet-stream";
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
