package io.modelloop.trigger;

import io.modelloop.detection.ObjectVersion;
import io.modelloop.config.ConfigurationException;
import io.modelloop.storage.BucketLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The steps of the polling trigger route (routes/trigger-poll.yaml, SPEC 4.1; the local
 * profile's, selectable on AWS): every modelloop.poll.interval-ms the route lists
 * images_for_detection/ (all pages, sub-folders included, as the S3 event trigger does) and hands
 * every object version not handed off before to {@code direct:detect}, one exchange each, body an
 * {@link ObjectVersion}, up to modelloop.poll.concurrent-consumers at a time (a split with
 * parallel processing on the pool {@link #POOL}).
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
 * <p>Several instances: with leader election only the leader lists and hands off (the route's
 * timer is leader-only); without, each instance polls and the detection route's idempotency
 * keeps one detection per version.
 */
public final class PollingTrigger {

    public static final String ROUTE_ID = "s3-poll-detection";
    /** The registry name of the split's thread pool (modelloop.poll.concurrent-consumers threads). */
    public static final String POOL = "pollingTriggerPool";
    private static final Logger LOG = LoggerFactory.getLogger(PollingTrigger.class);
    private static final String LISTED = "ModelLoopListedVersions";
    private static final String TALLY = "ModelLoopHandOffTally";
    private static final String VERSION_KEY = "ModelLoopVersionKey";

    private final S3Client s3;
    private final String bucket;
    private final HandOffLedger ledger;

    public PollingTrigger(S3Client s3, String bucket, Path ledgerFile) {
        this.s3 = s3;
        this.bucket = bucket;
        this.ledger = new HandOffLedger(ledgerFile);
    }

    /** Binds the trigger and its pool; concurrency: how many images are in detection at once. */
    public static void bind(CamelContext camel, S3Client s3, String bucket, int concurrency, Path ledgerFile) {
        if (concurrency < 1) {
            throw new ConfigurationException("modelloop.poll.concurrent-consumers must be at least 1, got " + concurrency);
        }
        camel.getRegistry().bind("pollingTrigger", new PollingTrigger(s3, bucket, ledgerFile));
        camel.getRegistry().bind(POOL, camel.getExecutorServiceManager().newFixedThreadPool(PollingTrigger.class, ROUTE_ID,
                concurrency));
    }

    /** Lists the prefix (all pages); body: the versions not handed off yet, in listing order. */
    public void listNew(Exchange exchange) {
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

    /** Marks the version handed off: only once direct:detect returned, i.e. its record is committed. */
    public void handedOff(Exchange exchange) throws IOException {
        ledger.record(exchange.getProperty(VERSION_KEY, String.class));
    }

    public void countFailure(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        exchange.getProperty(TALLY, Tally.class).failed(exchange.getProperty(VERSION_KEY, String.class)
                + ": " + (e == null ? "failed" : e.getMessage()));
    }

    /** Says what failed, and forgets recorded versions a completed listing no longer shows. */
    @SuppressWarnings("unchecked")
    public void forgetGone(Exchange exchange) throws IOException {
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
