package io.modelloop.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A trained candidate against the serving version, for the champion/challenger gate (SPEC 4.4
 * step 5): each version's macro F1 over the labels both know, and the candidate's own F1 on the
 * labels only it knows.
 *
 * @param sharedLabels         labels both versions know (the ones compared)
 * @param newLabels            labels only the candidate knows
 * @param candidateSharedF1    the candidate's macro F1 over the shared labels (null: not measurable)
 * @param servingSharedF1      the serving version's macro F1 over the shared labels (null: not measurable)
 * @param candidateNewLabelsF1 the candidate's macro F1 over its new labels on its own held-out images
 *                             (null: no new label, or none with held-out images)
 * @param images               held-out images both versions were scored on (0 when recorded metrics were compared)
 * @param sameImages           true when both versions were scored on the same images
 * @param method               how the numbers were obtained, in words
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChallengerComparison(String candidateId, String servingId, List<String> sharedLabels, List<String> newLabels,
                                   Double candidateSharedF1, Double servingSharedF1, Double candidateNewLabelsF1,
                                   int images, boolean sameImages, String method) {

    /**
     * The comparison from the metrics each version recorded on its own test split: per-label F1
     * where both have them, else the overall F1s (then the shared labels are unknown and empty).
     */
    public static ChallengerComparison fromRecorded(ModelVersion candidate, ModelVersion serving, String method) {
        Map<String, ModelVersion.LabelMetrics> c = tested(candidate.perLabel());
        Map<String, ModelVersion.LabelMetrics> s = tested(serving.perLabel());
        if (c.isEmpty() || s.isEmpty()) {
            return new ChallengerComparison(candidate.id(), serving.id(), List.of(), List.of(), candidate.f1(), serving.f1(),
                    null, 0, false, method + "; per-label F1 not available, so the overall F1s are compared");
        }
        List<String> shared = new ArrayList<>(new TreeSet<>(c.keySet()));
        shared.retainAll(s.keySet());
        List<String> added = new ArrayList<>(new TreeSet<>(c.keySet()));
        added.removeAll(s.keySet());
        return new ChallengerComparison(candidate.id(), serving.id(), shared, added, meanF1(c, shared), meanF1(s, shared),
                meanF1(c, added), 0, false, method);
    }

    /** Macro F1 over these labels; null when there are none. */
    public static Double meanF1(Map<String, ModelVersion.LabelMetrics> perLabel, List<String> labels) {
        if (labels.isEmpty()) {
            return null;
        }
        return labels.stream().mapToDouble(l -> perLabel.get(l).f1()).average().orElseThrow();
    }

    /** Labels with test images (a label without any has no meaningful F1). */
    private static Map<String, ModelVersion.LabelMetrics> tested(Map<String, ModelVersion.LabelMetrics> perLabel) {
        Map<String, ModelVersion.LabelMetrics> out = new LinkedHashMap<>();
        if (perLabel != null) {
            perLabel.forEach((label, m) -> {
                if (m.support() > 0) {
                    out.put(label, m);
                }
            });
        }
        return out;
    }
}
