package io.modelloop.detection;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a detection's run record and notifications say about it. */
public final class DetectionSummary {

    private DetectionSummary() {
    }

    static Map<String, Object> of(Detection d, String loopName) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("detection", d.id());
        m.put("bucket", d.bucket());
        m.put("key", d.key());
        m.put("outcome", d.outcome().name());
        if (d.outcome() == Detection.Outcome.CLASSIFIED) {
            if (d.label() != null) {
                m.put("label", d.label());
            }
            m.put("confidence", d.confidence());
            m.put("threshold", d.threshold());
            m.put("modelVersion", d.modelVersion());
        }
        if (d.classProbability() != null) {
            m.put("classProbability", d.classProbability());
        }
        if (d.familiarity() != null) {
            m.put("familiarity", d.familiarity());
        }
        if (d.confidenceReason() != null) {
            m.put("confidenceReason", d.confidenceReason());
        }
        if (d.reason() != null) {
            m.put("reason", d.reason());
        }
        if (loopName != null) {
            m.put("humanLoop", loopName);
        }
        return m;
    }

    /** A model may answer no label at all (Rekognition with no custom label): said so, not "null". */
    public static String labelText(String label) {
        return label == null ? "no label" : label;
    }

    /** A confidence or threshold as messages show it: one decimal, "?" when unknown. */
    public static String round(Double v) {
        return v == null ? "?" : String.format(java.util.Locale.ROOT, "%.1f", v);
    }
}
