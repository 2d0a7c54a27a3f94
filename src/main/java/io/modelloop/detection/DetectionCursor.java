package io.modelloop.detection;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;

/**
 * The opaque paging cursor of {@link DetectionQuery}: the (detectedAt, id) of the last record
 * of the previous page, URL-safe base64 so it can travel in a query string unchanged.
 */
public record DetectionCursor(Instant detectedAt, String id) {

    public String encode() {
        String raw = detectedAt.getEpochSecond() + "." + detectedAt.getNano() + "|" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static DetectionCursor of(Detection d) {
        return new DetectionCursor(d.detectedAt(), d.id());
    }

    /** @throws IllegalArgumentException when the text is not a cursor this class made */
    public static DetectionCursor decode(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int bar = raw.indexOf('|');
            int dot = raw.indexOf('.');
            if (bar < 0 || dot < 0 || dot > bar || bar == raw.length() - 1) {
                throw new IllegalArgumentException("malformed");
            }
            Instant t = Instant.ofEpochSecond(Long.parseLong(raw.substring(0, dot)), Long.parseLong(raw.substring(dot + 1, bar)));
            return new DetectionCursor(t, raw.substring(bar + 1));
        } catch (IllegalArgumentException | DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("cursor is not one a previous page returned", e);
        }
    }
}
