package io.modelloop.detection;

import java.util.List;

/** One page of detections; nextCursor is null on the last page. */
public record DetectionPage(List<Detection> detections, String nextCursor) {
}
