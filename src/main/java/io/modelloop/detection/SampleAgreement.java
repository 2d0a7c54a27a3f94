package io.modelloop.detection;

/**
 * The answered quality samples and how many agreed with the model, over all time; kept as
 * running counters by the store, so reading it costs one read however many detections exist.
 */
public record SampleAgreement(long answered, long agreed) {

    public static final SampleAgreement NONE = new SampleAgreement(0, 0);

    /** Share of answered samples where the reviewer agreed with the model; null when none is answered. */
    public Double agreement() {
        return answered == 0 ? null : (double) agreed / answered;
    }

    /** What a review changes in the counters: the detection's sample answer before and after it. */
    static SampleAgreement delta(boolean sampled, Boolean before, Boolean after) {
        if (!sampled) {
            return NONE;
        }
        return new SampleAgreement((after != null ? 1 : 0) - (before != null ? 1 : 0),
                (Boolean.TRUE.equals(after) ? 1 : 0) - (Boolean.TRUE.equals(before) ? 1 : 0));
    }

    boolean isZero() {
        return answered == 0 && agreed == 0;
    }
}
