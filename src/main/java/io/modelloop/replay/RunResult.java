package io.modelloop.replay;

import java.util.List;
import java.util.Map;

/**
 * One (policy, seed) replay run: its points in order and the confusion matrix of the version
 * serving at the end (true label -> predicted label -> count; "(none)" when nothing was predicted).
 */
public record RunResult(String policy, long seed, int seedImages, int streamImages, List<Point> points,
                        Map<String, Map<String, Integer>> confusion) {

    public Point last() {
        return points.get(points.size() - 1);
    }
}
