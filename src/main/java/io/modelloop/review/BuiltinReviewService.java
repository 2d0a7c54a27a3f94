package io.modelloop.review;

import io.modelloop.detection.DetectionStore;
import io.modelloop.detection.HumanLoop;
import io.modelloop.storage.ImageTypes;
import io.modelloop.training.CurrentLabels;
import io.modelloop.training.LabeledImages;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The built-in review service (SPEC 6): loops live in the {@link DetectionStore}, so open loops
 * survive restarts and are shared by every pod; an answer completes the loop atomically in the
 * store (exactly one of two simultaneous answers wins) and then writes the A2I-format output JSON
 * under a2i-human-loop-data/modelloop-review/..., which the results route processes like A2I's.
 *
 * <p>Label choices: the loop stores the labels current when it was started (the caller's
 * {@link HumanLoop#labels()}, or the training-set folders at that moment when the caller passed
 * none); what a reviewer is shown ({@link #choices(HumanLoop)}) is that list merged with the
 * folders under images_labeled_by_folder/ now, so labels added since appear too, plus
 * {@code None of the Above}. A reviewer may also type a new label; any label must match SPEC
 * 4.2's rule.
 *
 * <p>Holds: whoever opens a loop ({@link #next}, {@link #hold}) has it to themself for the hold
 * duration, so two reviewers do not spend time on the same image; the hold is a conditional
 * write in the store, so it holds across replicas. An answer from anyone else is refused while
 * the hold lasts; a lapsed hold counts as none, so a reviewer who walks away blocks nobody for long.
 */
public final class BuiltinReviewService implements HumanReview {

    /** The "flow" the built-in service writes outputs under, like an A2I flow definition name. */
    public static final String FLOW_NAME = "modelloop-review";
    /** Stands in for the flow definition ARN in the outputs this service writes. */
    public static final String FLOW_DEFINITION = "modelloop:builtin-review:flow-definition/" + FLOW_NAME;
    public static final String LABEL_RULE = "a label is 'None of the Above' or starts with a letter or digit followed by"
            + " at most 99 letters, digits, spaces, '_', '.' or '-' (" + LabeledImages.LABEL.pattern() + ")";
    /** At most this many open loops are counted for the queue size. */
    public static final int COUNT_CAP = 10_000;
    /** How long an opened loop stays with its reviewer unless configured otherwise. */
    public static final Duration DEFAULT_HOLD = Duration.ofMinutes(5);
    private static final int REVIEWER_MAX = 128;
    /** Open loops read per step when looking for the next free one (grows when they are all taken). */
    private static final int NEXT_WINDOW = 25;
    private static final Logger LOG = LoggerFactory.getLogger(BuiltinReviewService.class);

    /** The review queue: how many loops are open (at most {@link #COUNT_CAP}) and the oldest of them. */
    public record Queue(int count, List<HumanLoop> loops) {
    }

    /** An image to show: its bytes, content type and length. */
    public record Image(ResponseInputStream<GetObjectResponse> stream, String contentType, Long length, String key) {
    }

    private final DetectionStore store;
    private final S3Client s3;
    private final String bucket;
    private final Clock clock;
    private final CurrentLabels labels;
    private final Duration holdDuration;

    /** Reads the label folders afresh each time they are asked for; holds last {@link #DEFAULT_HOLD}. */
    public BuiltinReviewService(DetectionStore store, S3Client s3, String bucket, Clock clock) {
        this(store, s3, bucket, clock, new CurrentLabels(s3, bucket, Duration.ZERO, clock));
    }

    /** @param labels the label folders, shared with detection and results (one cache, invalidated on new folders) */
    public BuiltinReviewService(DetectionStore store, S3Client s3, String bucket, Clock clock, CurrentLabels labels) {
        this(store, s3, bucket, clock, labels, DEFAULT_HOLD);
    }

    /** @param holdDuration how long an opened loop stays with its reviewer (positive) */
    public BuiltinReviewService(DetectionStore store, S3Client s3, String bucket, Clock clock, CurrentLabels labels,
                                Duration holdDuration) {
        if (holdDuration == null || holdDuration.isNegative() || holdDuration.isZero()) {
            throw new IllegalArgumentException("The review hold duration must be positive, got " + holdDuration);
        }
        this.store = store;
        this.s3 = s3;
        this.bucket = bucket;
        this.clock = clock;
        this.labels = labels;
        this.holdDuration = holdDuration;
    }

    public Duration holdDuration() {
        return holdDuration;
    }

    @Override
    public String name() {
        return "builtin";
    }

    /** Creates the loop in the store, OPEN; a loop with that name already there is ALREADY_STARTED. */
    @Override
    public StartResult start(HumanLoop loop) {
        if (loop.name() == null || !loop.name().matches("[a-z0-9-]{1,63}")) {
            throw new IllegalArgumentException("Human loop name must be 1-63 characters of [a-z0-9-], got '" + loop.name() + "'");
        }
        List<String> labels = loop.labels() == null || loop.labels().isEmpty() ? currentLabels() : loop.labels();
        HumanLoop open = loop.toBuilder().labels(List.copyOf(labels)).status(HumanLoop.Status.OPEN)
                .createdAt(loop.createdAt() == null ? clock.instant() : loop.createdAt())
                .answer(null).reviewer(null).answeredAt(null).heldBy(null).heldUntil(null)
                .build();
        return store.createLoop(open) ? StartResult.STARTED : StartResult.ALREADY_STARTED;
    }

    /**
     * Open loops, oldest first, at most {@code limit}, with the number open (counted up to
     * {@link #COUNT_CAP}, held ones included); each shows its hold unless it lapsed.
     */
    public Queue openLoops(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        List<HumanLoop> open = store.openLoops(Math.max(limit, COUNT_CAP));
        Instant now = clock.instant();
        return new Queue(open.size(), open.subList(0, Math.min(limit, open.size())).stream()
                .map(l -> current(l, now)).toList());
    }

    /** The loop as stored, its hold shown unless it lapsed; reading it takes no hold. */
    public Optional<HumanLoop> loop(String name) {
        Instant now = clock.instant();
        return store.getLoop(name).map(l -> current(l, now));
    }

    /**
     * Holds the oldest open loop the reviewer may have: not in {@code skipped} and not held by
     * someone else (their own hold is extended). Empty when no such loop is left.
     */
    public Optional<HumanLoop> next(String reviewer, Set<String> skipped) {
        String worker = validReviewer(reviewer);
        Instant now = clock.instant();
        Instant until = now.plus(holdDuration);
        Set<String> passed = new HashSet<>(skipped == null ? Set.of() : skipped);
        int window = Math.min(COUNT_CAP, passed.size() + NEXT_WINDOW);
        while (true) {
            List<HumanLoop> open = store.openLoops(window);
            for (HumanLoop loop : open) {
                // the listing may be a moment old: the conditional hold decides, a lost race just moves on
                if (passed.add(loop.name()) && !loop.heldByAnother(worker, now)
                        && store.holdLoop(loop.name(), worker, now, until)) {
                    LOG.info("Human loop {} held by {} until {}", loop.name(), worker, until);
                    return Optional.of(loop.withHold(worker, until));
                }
            }
            if (open.size() < window || window >= COUNT_CAP) {
                return Optional.empty();
            }
            window = Math.min(COUNT_CAP, window * 4);
        }
    }

    /**
     * Holds this loop for the reviewer (extends their own hold).
     *
     * @throws ReviewRefusedException 400 invalid reviewer, 404 unknown loop, 409 answered or held by someone else
     */
    public HumanLoop hold(String name, String reviewer) {
        HumanLoop loop = find(name);
        String worker = validReviewer(reviewer);
        Instant now = clock.instant();
        Instant until = now.plus(holdDuration);
        write(loop, worker, now, () -> store.holdLoop(name, worker, now, until));
        return loop.withHold(worker, until);
    }

    /** Gives up the reviewer's hold (a skip); another reviewer's hold stays. @return the loop now */
    public HumanLoop release(String name, String reviewer) {
        HumanLoop loop = find(name);
        String worker = validReviewer(reviewer);
        store.releaseLoop(name, worker);
        Instant now = clock.instant();
        return current(store.getLoop(name).orElse(loop.withHold(null, null)), now);
    }

    /** The label folders of the training set now (sorted). */
    public List<String> currentLabels() {
        return labels.get();
    }

    /** What the reviewer chooses from: the loop's labels and today's, then None of the Above. */
    public List<String> choices(HumanLoop loop) {
        Set<String> all = new LinkedHashSet<>();
        if (loop.labels() != null) {
            all.addAll(loop.labels());
        }
        all.addAll(currentLabels());
        all.remove(HumanLoop.NONE_OF_THE_ABOVE);
        List<String> out = new ArrayList<>(all);
        out.sort(String.CASE_INSENSITIVE_ORDER);
        out.add(HumanLoop.NONE_OF_THE_ABOVE);
        return out;
    }

    /**
     * Answers a loop: validates the label, completes the loop atomically in the store and makes
     * that durable, then writes the A2I-format output to the bucket and records it written; only
     * then does the caller reply. A pod killed in between owes the output:
     * {@link #writeOwedOutputs} writes it (at the same key, so never twice).
     *
     * @return the output's key
     * @throws ReviewRefusedException 400 invalid label/reviewer, 404 unknown loop, 409 already answered (also
     *                                when an output for it was already processed) or held by another reviewer
     *                                whose hold has not lapsed
     * @throws HumanReviewException   when the output could not be written (the answer is recorded and the output owed)
     */
    public String answer(String name, String label, String reviewer) {
        HumanLoop loop = find(name);
        if (loop.status() == HumanLoop.Status.ANSWERED) {
            throw alreadyAnswered(loop);
        }
        answeredByAnOutput(loop);
        String chosen = validLabel(label);
        String worker = validReviewer(reviewer);
        Instant now = clock.instant();
        write(loop, worker, now, () -> store.completeLoop(name, chosen, worker, now));
        store.syncLoops();
        LOG.info("Human loop {} answered '{}' by {}", name, chosen, worker);
        String key = writeOutput(loop, chosen, worker, now);
        store.recordLoopOutput(name, key);
        return key;
    }

    /** A loop whose output was already processed (its detection has a review) is answered: 409 with that answer. */
    private void answeredByAnOutput(HumanLoop loop) {
        if (loop.detectionId() == null) {
            return;
        }
        store.get(loop.detectionId()).filter(d -> d.reviewedAt() != null && loop.name().equals(d.humanLoopName()))
                .ifPresent(d -> {
                    throw alreadyAnswered(loop.withHold(null, null)
                            .withAnswer(HumanLoop.Status.ANSWERED, d.humanLabel(), null, d.reviewedAt()));
                });
    }

    /**
     * Writes (again) the output of an answered loop from what the store recorded, e.g. after the
     * object store failed while answering; the key is the same, so this is idempotent.
     */
    public String writeOutput(String name) {
        HumanLoop loop = find(name);
        if (loop.status() != HumanLoop.Status.ANSWERED) {
            throw new IllegalStateException("Human loop " + name + " is not answered yet");
        }
        String key = writeOutput(loop, loop.answer(), loop.reviewer(), loop.answeredAt());
        store.recordLoopOutput(name, key);
        return key;
    }

    /**
     * Writes the outputs of answered loops that have none recorded (the pod died, or the object
     * store failed, between the answer and its output), from the store's answer, at the key the
     * answer would have used; loops answered in the last {@code settle} are left to their answer
     * still in progress. @return the keys written
     */
    public List<String> writeOwedOutputs(Duration settle) {
        Instant before = clock.instant().minus(settle);
        List<String> written = new ArrayList<>();
        for (HumanLoop loop : store.loopsOwingOutput(100)) {
            if (loop.answeredAt() == null || loop.answeredAt().isAfter(before)) {
                continue;
            }
            try {
                written.add(writeOutput(loop.name()));
                LOG.info("Wrote the owed output of human loop {} (answered '{}' at {})", loop.name(), loop.answer(),
                        loop.answeredAt());
            } catch (HumanReviewException e) {
                LOG.warn("{} (tried again later)", e.getMessage());
            }
        }
        return written;
    }

    private String writeOutput(HumanLoop loop, String label, String reviewer, Instant at) {
        String key = HumanLoopOutput.key(FLOW_NAME, loop.name(), at);
        String json = HumanLoopOutput.write(loop, FLOW_DEFINITION, label, reviewer, at, at);
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromString(json));
        } catch (SdkException e) {
            throw new HumanReviewException("The answer to human loop " + loop.name() + " is recorded but its output "
                    + key + " could not be written to bucket " + bucket + ": " + e.getMessage(), e);
        }
        return key;
    }

    /** The loop's image from the object store (the caller closes the stream). */
    public Image image(String name) {
        HumanLoop loop = find(name);
        String[] location = s3Location(loop.imageUri());
        try {
            ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(location[0]).key(location[1]));
            return new Image(in, ImageTypes.of(in.response().contentType(), location[1]), in.response().contentLength(),
                    location[1]);
        } catch (NoSuchKeyException e) {
            throw new ReviewRefusedException(ReviewRefusedException.Reason.NOT_FOUND,
                    "The image of human loop " + name + " (" + loop.imageUri() + ") is no longer in the object store");
        }
    }

    /** A label as given, trimmed: None of the Above, or one that matches the rule; else 400 with the rule. */
    public static String validLabel(String label) {
        String l = label == null ? "" : label.strip();
        if (HumanLoop.NONE_OF_THE_ABOVE.equals(l)) {
            return l;
        }
        if (!LabeledImages.LABEL.matcher(l).matches()) {
            throw new ReviewRefusedException(ReviewRefusedException.Reason.INVALID,
                    "Invalid label '" + abbreviate(label) + "': " + LABEL_RULE);
        }
        return l;
    }

    private static String validReviewer(String reviewer) {
        String r = reviewer == null ? "" : reviewer.strip();
        if (r.isEmpty() || r.length() > REVIEWER_MAX || r.chars().anyMatch(Character::isISOControl)) {
            throw new ReviewRefusedException(ReviewRefusedException.Reason.INVALID,
                    "A reviewer name of 1-" + REVIEWER_MAX + " printable characters is required");
        }
        return r;
    }

    private HumanLoop find(String name) {
        return store.getLoop(name).orElseThrow(() ->
                new ReviewRefusedException(ReviewRefusedException.Reason.NOT_FOUND, "No human loop " + name));
    }

    /**
     * Runs a conditional store write on an open loop; when it loses, says why from a fresh read.
     * A hold released between the write and the read leaves the loop free: then the write is tried
     * again (a few times; after that the loop is changing hands too fast to call).
     */
    private void write(HumanLoop read, String worker, Instant now, BooleanSupplier conditionalWrite) {
        HumanLoop loop = read;
        for (int attempt = 0; attempt < 3; attempt++) {
            if (loop.status() == HumanLoop.Status.ANSWERED) {
                throw alreadyAnswered(loop);
            }
            if (loop.heldByAnother(worker, now)) {
                throw heldBy(loop);
            }
            if (conditionalWrite.getAsBoolean()) {
                return;
            }
            loop = find(loop.name());
        }
        throw new ReviewRefusedException(ReviewRefusedException.Reason.HELD, "Human loop " + loop.name()
                + " is changing hands; try again", loop);
    }

    /** A lapsed hold shown as none. */
    private static HumanLoop current(HumanLoop loop, Instant now) {
        return loop.heldBy() != null && !loop.heldAt(now) ? loop.withHold(null, null) : loop;
    }

    private static ReviewRefusedException heldBy(HumanLoop loop) {
        return new ReviewRefusedException(ReviewRefusedException.Reason.HELD, "Human loop " + loop.name()
                + " is held by " + loop.heldBy() + " until " + loop.heldUntil(), loop);
    }

    private static ReviewRefusedException alreadyAnswered(HumanLoop loop) {
        return new ReviewRefusedException(ReviewRefusedException.Reason.ALREADY_ANSWERED, "Human loop " + loop.name()
                + " is already answered" + (loop.answer() == null ? "" : " ('" + loop.answer() + "' by " + loop.reviewer()
                + (loop.answeredAt() == null ? "" : " at " + loop.answeredAt()) + ")"), loop);
    }

    /** s3://bucket/key → {bucket, key}; the key as written (spaces, +, unicode kept). */
    static String[] s3Location(String uri) {
        if (uri == null || !uri.startsWith("s3://") || uri.indexOf('/', 5) < 0) {
            throw new IllegalArgumentException("Not an s3://bucket/key image URI: " + uri);
        }
        int slash = uri.indexOf('/', 5);
        return new String[] {uri.substring(5, slash), uri.substring(slash + 1)};
    }

    private static String abbreviate(String s) {
        return io.modelloop.config.Echo.of(s);
    }
}
