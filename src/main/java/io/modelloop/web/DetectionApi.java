package io.modelloop.web;

import io.modelloop.detection.ConfidenceHistogram;
import io.modelloop.detection.Detection;
import io.modelloop.detection.DetectionPage;
import io.modelloop.detection.DetectionQuery;
import io.modelloop.detection.DetectionStore;
import io.modelloop.detection.HourlyCounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * GET /api/detections (from, to, label, reviewed, sampled, belowThreshold, outcome, limit,
 * cursor), GET /api/detections/stats (since), the chart data GET /api/detections/hourly (since)
 * and GET /api/detections/confidence (since, bins), GET /api/detections/{id}, and
 * GET /api/detections/{id}/image (the detected image's bytes, for the console's thumbnails).
 */
public final class DetectionApi {

    static final int MAX_LIMIT = 500;
    /** The chart endpoints read every detection of their period (a DynamoDB query), hence a bound. */
    static final Duration MAX_CHART_PERIOD = Duration.ofDays(14);
    static final Duration DEFAULT_CHART_PERIOD = Duration.ofHours(24);
    private static final String CHART_USAGE = "since: ISO instant at most 14 days ago (default 24 hours ago), "
            + "bins: 1-" + ConfidenceHistogram.MAX_BINS + " (default 20)";
    private static final String USAGE = "from/to: ISO instants (e.g. 2026-11-24T10:00:00Z), "
            + "reviewed/sampled/belowThreshold: true|false, outcome: CLASSIFIED|NO_MODEL|REJECTED, "
            + "limit: 1-" + MAX_LIMIT + ", cursor: the next value of a previous page";

    // ids are made by ObjectVersion.detectionId(); anything else cannot name a record
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final DetectionStore detections;
    private final DoubleSupplier threshold;
    private final S3Client s3;

    /** @param threshold the Minimum-Label-Detection-Confidence in force */
    public DetectionApi(DetectionStore detections, DoubleSupplier threshold) {
        this(detections, threshold, null);
    }

    /** @param s3 where the detected images are read from; null answers 404 for every image */
    public DetectionApi(DetectionStore detections, DoubleSupplier threshold, S3Client s3) {
        this.detections = detections;
        this.threshold = threshold;
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

    /** Counts per hour since the period's start, every hour up to now present (zero when empty). */
    public void hourly(Exchange exchange) {
        Instant now = Instant.now();
        Instant since;
        try {
            since = chartSince(exchange, now);
        } catch (IllegalArgumentException e) {
            JsonResponses.reply(exchange, 400, Map.of("error", e.getMessage(), "usage", CHART_USAGE));
            return;
        }
        Map<Instant, HourlyCounts> found = new HashMap<>();
        detections.hourly(since).forEach(h -> found.put(h.hour(), h));
        List<HourlyCounts> hours = new ArrayList<>();
        for (Instant h = since.truncatedTo(ChronoUnit.HOURS); !h.isAfter(now); h = h.plus(1, ChronoUnit.HOURS)) {
            hours.add(found.getOrDefault(h, HourlyCounts.empty(h)));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("since", since);
        body.put("hours", hours);
        JsonResponses.reply(exchange, 200, body);
    }

    public void confidence(Exchange exchange) {
        Instant since;
        int bins;
        try {
            since = chartSince(exchange, Instant.now());
            bins = QueryParams.wholeNumber(exchange, "bins", 20, 1, ConfidenceHistogram.MAX_BINS);
        } catch (IllegalArgumentException e) {
            JsonResponses.reply(exchange, 400, Map.of("error", e.getMessage(), "usage", CHART_USAGE));
            return;
        }
        ConfidenceHistogram histogram = detections.confidenceHistogram(since, bins);
        List<Map<String, Object>> out = new ArrayList<>();
        for (ConfidenceHistogram.Bin b : histogram.bins()) {
            Map<String, Object> bin = new LinkedHashMap<>();
            bin.put("from", plain(b.from()));
            bin.put("to", plain(b.to()));
            bin.put("count", b.count());
            out.add(bin);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("since", since);
        body.put("bins", out);
        body.put("threshold", plain(threshold.getAsDouble()));
        body.put("total", histogram.total());
        JsonResponses.reply(exchange, 200, body);
    }

    private static Instant chartSince(Exchange exchange, Instant now) {
        Instant since = instant(exchange, "since");
        if (since == null) {
            return now.minus(DEFAULT_CHART_PERIOD);
        }
        // an hour of slack: a console that computes "14 days ago" itself must not be refused
        if (since.isBefore(now.minus(MAX_CHART_PERIOD).minus(Duration.ofHours(1)))) {
            throw new IllegalArgumentException("since must be at most 14 days ago, got '" + since + "'");
        }
        return since;
    }

    /** 5 rather than 5.0, so bin edges and thresholds read as people write them. */
    private static Number plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Number) (long) d : (Number) d;
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
        try (var in = s3.getObject(b -> b.bucket(d.bucket()).key(d.key()))) {
            bytes = in.readAllBytes();
        } catch (NoSuchKeyException e) {
            JsonResponses.reply(exchange, 404, Map.of("error", "the image of detection " + id + " is no longer in the object store"));
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the image of detection " + id + " failed", e);
        }
        ImageReply.send(exchange, bytes, d.key());
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
            throw new IllegalArgumentException(name + " must be an ISO instant such as 2026-11-24T10:00:00Z, got '" + io.modelloop.config.Echo.of(s) + "'");
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
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + io.modelloop.config.Echo.of(s) + "'");
        };
    }

    private static Detection.Outcome outcome(Exchange exchange) {
        String s = param(exchange, "outcome");
        try {
            return s == null ? null : Detection.Outcome.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("outcome must be CLASSIFIED, NO_MODEL or REJECTED, got '" + io.modelloop.config.Echo.of(s) + "'");
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
        throw new IllegalArgumentException("limit must be a whole number from 1 to " + MAX_LIMIT + ", got '" + io.modelloop.config.Echo.of(s) + "'");
    }
}
