package io.modelloop.detection;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * Detections of one UTC hour, by the time they were detected: how many of each outcome, and
 * how many of them a reviewer has answered since.
 */
@JsonPropertyOrder({"hour", "CLASSIFIED", "NO_MODEL", "REJECTED", "reviewed"})
public record HourlyCounts(Instant hour,
                           @JsonProperty("CLASSIFIED") long classified,
                           @JsonProperty("NO_MODEL") long noModel,
                           @JsonProperty("REJECTED") long rejected,
                           long reviewed) {

    public static HourlyCounts empty(Instant hour) {
        return new HourlyCounts(hour, 0, 0, 0, 0);
    }

    /** These counts plus n detections of one outcome, of which reviewed were answered. */
    public HourlyCounts plus(Detection.Outcome outcome, long n, long reviewedToo) {
        return new HourlyCounts(hour,
                classified + (outcome == Detection.Outcome.CLASSIFIED ? n : 0),
                noModel + (outcome == Detection.Outcome.NO_MODEL ? n : 0),
                rejected + (outcome == Detection.Outcome.REJECTED ? n : 0),
                reviewed + reviewedToo);
    }
}
