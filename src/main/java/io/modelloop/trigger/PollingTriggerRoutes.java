package io.modelloop.trigger;

import io.modelloop.detection.ObjectVersion;
import io.modelloop.schedule.TimerPlacement;
import io.modelloop.storage.BucketLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The polling trigger (SPEC 4.1; the local profile's, selectable on AWS): every
 * modelloop.poll.interval-ms it lists images_for_detection/ (all pages, sub-folders included,
 * as the S3 event trigger does) and hands every object version it has not handed off before to
 * {@code direct:detect}, one exchange each, body an {@link ObjectVersion}.
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

    private final S3Client s3;
    private final String bucket;
    private final long intervalMs;
    private final TimerPlacement placement;
    private final HandOffLedger ledger;
    private ProducerTemplate producer;

    public PollingTriggerRoutes(S3Client s3, String bucket, long intervalMs, TimerPlacement placement, Path ledgerFile) {
        if (intervalMs < 1) {
            throw new IllegalArgumentException("modelloop.poll.interval-ms must be at least 1, got " + intervalMs);
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.intervalMs = intervalMs;
        this.placement = placement;
        this.ledger = new HandOffLedger(ledgerFile);
    }

    @Override
    public void configure() {
        from(placement.wrap(ROUTE_ID, "timer:" + ROUTE_ID + "?period=" + intervalMs + "&delay=" + intervalMs))
            .routeId(ROUTE_ID)
            .routeDescription("Lists images_for_detection/ and hands each new object version to direct:detect")
            .onException(Exception.class).handled(true)
                .log(LoggingLevel.WARN, "io.modelloop.trigger", "Listing " + BucketLayout.DETECTION
                        + " failed, tried again next tick: ${exception.message}")
            .end()
            .process(this::poll);
    }

    /** One pass; returns how many versions were handed off. */
    int poll(Exchange exchange) throws IOException {
        if (producer == null) {
            producer = exchange.getContext().createProducerTemplate();
        }
        Set<String> listed = new HashSet<>();
        int handed = 0;
        int failed = 0;
        String firstError = null;
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(BucketLayout.DETECTION)).contents()) {
            if (o.key().endsWith("/") || o.size() == null || o.size() == 0) {
                continue;
            }
            String etag = o.eTag() == null ? "" : o.eTag().replace("\"", "");
            if (etag.isBlank()) {
                continue;
            }
            ObjectVersion version = new ObjectVersion(bucket, o.key(), etag, null, o.size(), o.lastModified());
            String id = version.idempotencyKey();
            listed.add(id);
            if (ledger.contains(id)) {
                continue;
            }
            Exchange result = producer.send("direct:detect", ex -> ex.getMessage().setBody(version));
            if (result.isFailed()) {
                failed++;
                if (firstError == null) {
                    Exception ex = result.getException();
                    firstError = version.key() + ": " + (ex == null ? "failed" : ex.getMessage());
                }
                continue;
            }
            ledger.record(id);
            handed++;
        }
        if (failed > 0) {
            LOG.warn("{} of {} new object(s) under {} could not be handed to detection, tried again next tick; first: {}",
                    failed, failed + handed, BucketLayout.DETECTION, firstError);
        } else if (handed > 0) {
            LOG.debug("Handed {} new object(s) under {} to detection", handed, BucketLayout.DETECTION);
        }
        // a completed listing tells which recorded versions no longer exist
        ledger.retainOnly(listed);
        return handed;
    }
}
