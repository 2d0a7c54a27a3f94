package io.modelloop.detection;

import java.util.Map;

/**
 * Counts for the console and metrics: detections by outcome, loops, and the sampling
 * agreement (share of answered samples where the reviewer agreed with the model; null when
 * no sample is answered yet).
 */
public record DetectionStats(long total, Map<String, Long> byOutcome, long belowThreshold, long reviewed,
                             long sampled, long samplesAnswered, long samplesAgreed, Double agreement) {
}
