package io.modelloop.replay;

import java.util.Locale;
import java.util.Optional;

/**
 * Which review loops the simulated reviewer gives a real label. The loop itself is unchanged; only
 * the threshold parameter and the reviewer's choices differ.
 */
public enum Policy {
    /** Minimum-Label-Detection-Confidence as given; every loop the loop opens is labelled. */
    CONFIDENCE,
    /** Threshold 100 (every image gets a loop); a random k of a batch's loops are labelled, the rest None of the Above. */
    RANDOM,
    /** Threshold 100; every loop is labelled: the ceiling, at the cost of reviewing everything. */
    ALL;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Policy> parse(String text) {
        for (Policy p : values()) {
            if (p.id().equals(text == null ? "" : text.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
