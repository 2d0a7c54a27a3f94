package io.modelloop.review;

import io.modelloop.detection.HumanLoop;

/**
 * The human review port: Amazon A2I or the built-in review service. Either way the answer
 * arrives later as an A2I-format output JSON under a2i-human-loop-data/, which one route
 * processes (SPEC 4.2).
 */
public interface HumanReview {

    /** Short name used in configuration (modelloop.review.backend): a2i or builtin. */
    String name();

    /**
     * Starts a loop. A loop with the same name that exists already is not an error (a retry
     * cannot create a second loop): the answer is {@link StartResult#ALREADY_STARTED}.
     */
    StartResult start(HumanLoop loop);

    enum StartResult { STARTED, ALREADY_STARTED }
}
