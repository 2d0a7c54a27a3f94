package io.modelloop.detection;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Detections and human loops (an embedded SQL database locally, DynamoDB on AWS). Writes that
 * guard against duplicates are conditional in the database itself, so two pods (or a retry)
 * racing on the same object or loop cannot both win.
 */
public interface DetectionStore {

    /** Inserts the record unless one with the same id exists; true when this call inserted it. */
    boolean insertIfAbsent(Detection detection);

    /**
     * Replaces a record recorded NO_MODEL (re-processed once a model runs), conditionally in the
     * database: true when this call replaced it; false when there is no such record or it is no
     * longer NO_MODEL (another pod classified it first), which is then left as it is.
     */
    boolean replace(Detection detection);

    Optional<Detection> get(String id);

    DetectionPage query(DetectionQuery query);

    /** Detections after (time, id), oldest first, CLASSIFIED only: the order human sampling walks. */
    List<Detection> classifiedAfter(Instant time, String afterId, int limit);

    /** Detections recorded NO_MODEL, oldest first, for re-processing once a model runs. */
    List<Detection> waitingForModel(int limit);

    /** Sets the loop on the detection unless it already has one; true when this call set it. */
    boolean attachLoop(String detectionId, String loopName, String source);

    /** Records the reviewer's answer on the detection (label, time, copied key, agreement for samples). */
    void recordReview(String detectionId, String humanLabel, Instant reviewedAt, String copiedKey, Boolean agreement);

    DetectionStats stats(Instant since);

    /**
     * The quality-sample agreement over all time, from running counters that {@link #recordReview}
     * keeps in the same transaction as the review: no detection is read.
     */
    SampleAgreement sampleAgreement();

    /** Counts per UTC hour of detection since that time (null = all), oldest first; hours without detections are left out. */
    List<HourlyCounts> hourly(Instant since);

    /** The confidence of the CLASSIFIED detections since that time (null = all) in bins equal bins from 0 to 100. */
    ConfidenceHistogram confidenceHistogram(Instant since, int bins);

    /** Creates the loop unless one with that name exists; true when this call created it. */
    boolean createLoop(HumanLoop loop);

    Optional<HumanLoop> getLoop(String name);

    /** Open loops, oldest first. */
    List<HumanLoop> openLoops(int limit);

    /**
     * Marks an open loop answered and drops its hold, atomically: true for exactly one caller even
     * when two reviewers answer at the same moment. False too when another reviewer holds the
     * loop past {@code answeredAt}, so a hold taken by another replica between the caller's read
     * and this write still wins.
     */
    boolean completeLoop(String name, String answer, String reviewer, Instant answeredAt);

    /**
     * Makes every completed loop durable before it returns (the answer's HTTP reply follows):
     * the embedded database commits and syncs its file; DynamoDB's acknowledged writes are.
     */
    void syncLoops();

    /** Records that the answered loop's output was written at {@code outputKey}: it is no longer owed. */
    void recordLoopOutput(String name, String outputKey);

    /** Answered loops whose output is not recorded written (e.g. the pod died in between), oldest answer first. */
    List<HumanLoop> loopsOwingOutput(int limit);

    /**
     * Holds an open loop for {@code reviewer} until {@code until}, atomically: when nobody holds it,
     * its hold lapsed ({@code heldUntil <= now}) or the same reviewer holds it (then the hold is
     * extended). False when the loop is unknown, answered or held by someone else; of two
     * reviewers holding at once exactly one gets true.
     */
    boolean holdLoop(String name, String reviewer, Instant now, Instant until);

    /** Drops the hold when {@code reviewer} has it; anyone else's hold stays. */
    void releaseLoop(String name, String reviewer);

    /** Whether this human-loop output was recorded processed by {@link #markOutputProcessed}. */
    boolean outputProcessed(String outputKey);

    /**
     * Records the human-loop output processed (idempotent) and moves its flow's cursor forward to
     * {@code pathTime} (never back; null leaves the cursor).
     */
    void markOutputProcessed(String outputKey, String flow, Instant pathTime);

    /** The newest output path time processed for this flow; null before the first. */
    Instant outputCursor(String flow);
}
