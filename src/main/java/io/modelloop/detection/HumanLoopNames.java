package io.modelloop.detection;


/** Loop names (SPEC 4.2): lowercase [a-z0-9-], at most 63 characters, derived from the detection. */
public final class HumanLoopNames {

    private HumanLoopNames() {
    }

    /** e.g. review-det-1a2b... for A2I Workflow, sample-det-1a2b... for Human Sampling. */
    public static String forDetection(String detectionId, String source) {
        String prefix = HumanLoop.HUMAN_SAMPLING.equals(source) ? "sample-" : "review-";
        String name = (prefix + detectionId).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return name.length() > 63 ? name.substring(0, 63) : name;
    }
}
