package io.modelloop.trigger;

import io.modelloop.detection.ObjectVersion;
import io.modelloop.schedule.TimerPlacement;
import io.modelloop.storage.BucketLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The polling trigger (SPEC 4.1; the local profile's, selectable on AWS): every
 * modelloop.poll.interval-ms it lists images_for_detection/ (all pages, sub-folders included,
 * as the S3 event trigger does) and hands every object version it has not handed off before to
 * {@code direct:detect}, one exchange each, body an {@link ObjectVersion}, up to
 * modelloop.poll.concurrent-consumers at a time (a split with parallel processing).
 *
 * <p>Once, across restarts: a version is written to a {@link HandOffLedger} file under the data
 * folder only after {@code direct:detect} returned normally, which is after its detection record
 * was committed to the store (the H2 store writes a commit to its file before returning, see
 * H2Database), so a kill -9 never leaves a version marked handed off without its record. A
 * version whose hand-off threw (transient failure) is not recorded and is tried again at the
 * next tick. The crash window (record committed, ledger line not yet written) and a data folder
 * that does not survive a restart (a pod without a volume) only cause a repeated hand-off, which
 * the detection route's idempotency per object version turns into a no-op.
 *
 * <p>Skipped: folder markers, zero-byte objects, and objects without an ETag yet (locally a file
 * copied straight into data/bucket has none until the repair pass registers it a second or two
 * later; its version would otherwise change under it).
 *
 * <p>Several instances: the timer goes through {@link TimerPlacement}, so with
 * {@code TimerPlacement.leaderOnly()} only the leader lists and hands off; with
 * {@code LOCAL} each instance polls and the detection route's idempotency keeps one detection
 * per version.
 */
public final class PollingTriggerRoutes extends RouteBuilder {

    public static final String ROUTE_ID = "s3-poll-detection";
    private static final Logger LOG = LoggerFactory.getLogger(PollingTriggerRoutes.class);
    private static final String LISTED = "ModelLoopListedVersions";
    private static final String TALLY = "ModelLoopHandOffTally";
    private static final String VERSION_KEY = "ModelLoopVersionKey";

    private final S3Client s3;
    private final String bucket;
    private final long intervalMs;
    private final int concurrency;
    private final TimerPlacement placement;
    private final HandOffLedger ledger;

    /**
     * @param concurrency how many images are in detection at once (modelloop.poll.concurrent-consumers):
     *                    a detection waits on the store and the model as much as it computes
     */
    public PollingTriggerRoutes(S3Client s3, String bucket, long intervalMs, int concurrency, TimerPlacement placement,
                                Path ledgerFile) {
        if (intervalMs < 1) {
            throw new IllegalArgumentException("modelloop.poll.interval-ms must be at least 1, got " + intervalMs);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("modelloop.poll.concurrent-consumers must be at least 1, got " + concurrency);
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.intervalMs = intervalMs;
        this.concurrency = concurrency;
        this.placement = placement;
        this.ledger = new HandOffLedger(ledgerFile);
    }

    @Override
    public void configure() {
        ExecutorService detecting = getContext().getExecutorServiceManager()
                .newFixedThreadPool(this, ROUTE_ID, concurrency);
        from(placement.wrap(ROUTE_ID, "timer:" + ROUTE_ID + "?period=" + intervalMs + "&delay=" + intervalMs))
            .routeId(ROUTE_ID)
            .routeDescription("Lists images_for_detection/ and hands each new object version to direct:detect")
            .onException(Exception.class).handled(true)
                .log(LoggingLevel.WARN, "io.modelloop.trigger", "Listing " + BucketLayout.DETECTION
                        + " failed, tried again next tick: ${exception.message}")
            .end()
            .process(this::listNew).id("list-new-versions")
            .split(body()).parallelProcessing().executorService(detecting).id("each-new-version")
                .setProperty(VERSION_KEY, simple("${body.idempotencyKey()}")).id("version-key")
                .doTry()
                    .to("direct:detect").id("hand-off")
                    // only once its record is committed: a crash before this line hands it off again
                    .process(e -> ledger.record(e.getProperty(VERSION_KEY, String.class))).id("mark-handed-off")
                .doCatch(Exception.class)
                    .process(this::countFailure).id("leave-for-next-tick")
                .end()
            .end()
            .process(this::forgetGone).id("forget-gone-versions");
    }

    /** Lists the prefix (all pages); body: the versions not handed off yet, in listing order. */
    void listNew(Exchange exchange) {
        Set<String> listed = new HashSet<>();
        List<ObjectVersion> fresh = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(BucketLayout.DETECTION)).contents()) {
            if (o.key().endsWith("/") || o.size() == null || o.size() == 0) {
                continue;
            }
            String etag = o.eTag() == null ? "" : o.eTag().replace("\"", "");
            if (etag.isBlank()) {
                continue;
            }
            ObjectVersion version = new ObjectVersion(bucket, o.key(), etag, null, o.size(), o.lastModified());
            listed.add(version.idempotencyKey());
            if (!ledger.contains(version.idempotencyKey())) {
                fresh.add(version);
            }
        }
        exchange.setProperty(LISTED, listed);
        exchange.setProperty(TALLY, new Tally(fresh.size()));
        exchange.getMessage().setBody(fresh);
    }

    private void countFailure(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        exchange.getProperty(TALLY, Tally.class).failed(exchange.getProperty(VERSION_KEY, String.class)
                + ": " + (e == null ? "failed" : e.getMessage()));
    }

    /** Says what failed, and forgets recorded versions a completed listing no longer shows. */
    @SuppressWarnings("unchecked")
    private void forgetGone(Exchange exchange) throws IOException {
        Tally tally = exchange.getProperty(TALLY, Tally.class);
        if (tally.failed.get() > 0) {
            LOG.warn("{} of {} new object(s) under {} could not be handed to detection, tried again next tick; first: {}",
                    tally.failed.get(), tally.fresh, BucketLayout.DETECTION, tally.firstError.get());
        } else if (tally.fresh > 0) {
            LOG.debug("Handed {} new object(s) under {} to detection", tally.fresh, BucketLayout.DETECTION);
        }
        ledger.retainOnly(exchange.getProperty(LISTED, Set.class));
    }

    /** What one tick handed off; shared by the split's parallel exchanges. */
    private static final class Tally {
        final int fresh;
        final AtomicInteger failed = new AtomicInteger();
        final AtomicReference<String> firstError = new AtomicReference<>();

        Tally(int fresh) {
            this.fresh = fresh;
        }

        void failed(String error) {
            failed.incrementAndGet();
            firstError.compareAndSet(null, error);
        }
    }
}
