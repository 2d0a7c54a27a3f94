package io.modelloop.detection;

import java.time.Instant;

/**
 * Filters for listing detections, newest first. Null fields do not filter. {@code cursor} is
 * the opaque value a previous page returned as its next cursor.
 */
public record DetectionQuery(Instant from, Instant to, String label, Boolean reviewed, Boolean sampled,
                             Boolean belowThreshold, Detection.Outcome outcome, int limit, String cursor) {

    public static DetectionQuery all(int limit) {
        return new DetectionQuery(null, null, null, null, null, null, null, limit, null);
    }
}
