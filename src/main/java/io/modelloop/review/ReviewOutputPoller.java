package io.modelloop.review;

import io.modelloop.detection.DetectionStore;
import io.modelloop.storage.BucketLayout;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Finds human-loop outputs (a2i-human-loop-data/FLOW/yyyy/MM/dd/HH/mm/ss/LOOP/output.json) not
 * processed yet, without listing the whole prefix or re-reading old outputs.
 *
 * <p>Each flow has a durable cursor in the detection store: the newest path time processed.
 * The listing starts after that time minus the margin, because keys are not written in key
 * order (two answers in the same second, an output written late after a crash, an A2I loop
 * answered long after the start its path is dated by). Every processed output is recorded in
 * the store too, so an output inside the margin is never read twice, even after a restart;
 * this instance remembers the ones it has seen, so the store is asked once per key.
 */
public final class ReviewOutputPoller {

    private static final String OUTPUT = "/output.json";
    private static final DateTimeFormatter PATH_TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/mm/ss").withZone(ZoneOffset.UTC);

    private final S3Client s3;
    private final String bucket;
    private final DetectionStore store;
    private final Duration margin;
    private final Set<String> done = ConcurrentHashMap.newKeySet();
    private Runnable owedOutputs = () -> { };
    private Duration owedEvery = Duration.ofMinutes(1);
    private long owedNext;

    /** @param margin how far before its cursor each flow is listed again (late outputs) */
    public ReviewOutputPoller(S3Client s3, String bucket, DetectionStore store,
                              Duration margin) {
        if (margin == null || margin.isNegative()) {
            throw new IllegalArgumentException("The results margin must not be negative, got " + margin);
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.store = store;
        this.margin = margin;
        this.owedNext = System.nanoTime();
    }

    /**
     * Runs {@code writer} at the first poll (start-up) and then at most once per {@code every}
     * before listing: the built-in review service writes the outputs it owes.
     */
    public ReviewOutputPoller withOwedOutputs(Runnable writer, Duration every) {
        this.owedOutputs = writer;
        this.owedEvery = every;
        return this;
    }

    /**
     * The outputs not processed yet, in listing order (each flow from its cursor minus the
     * margin); the review-result route processes each and then calls {@link #markProcessed}.
     */
    public synchronized List<String> newOutputs() {
        if (System.nanoTime() - owedNext >= 0) {
            owedNext = System.nanoTime() + owedEvery.toNanos();
            owedOutputs.run();
        }
        List<String> found = new ArrayList<>();
        var flows = ListObjectsV2Request.builder().bucket(bucket).prefix(BucketLayout.HUMAN_LOOP_DATA).delimiter("/").build();
        for (CommonPrefix flowPrefix : s3.listObjectsV2Paginator(flows).commonPrefixes()) {
            listFlow(flowPrefix.prefix(), found);
        }
        return found;
    }

    /** Records the output processed, whatever its verdict: it is never read again, also after a restart. */
    public void markProcessed(String key) {
        String rest = key.substring(BucketLayout.HUMAN_LOOP_DATA.length());
        String flow = rest.substring(0, rest.indexOf('/'));
        store.markOutputProcessed(key, flow, pathTime(BucketLayout.HUMAN_LOOP_DATA + flow + "/", key));
        done.add(key);
    }

    private void listFlow(String flowPrefix, List<String> found) {
        String flow = flowPrefix.substring(BucketLayout.HUMAN_LOOP_DATA.length(), flowPrefix.length() - 1);
        Instant newest = store.outputCursor(flow);
        String startAfter = newest == null ? null : flowPrefix + PATH_TIME.format(newest.minus(margin));
        if (startAfter != null) {
            done.removeIf(k -> k.startsWith(flowPrefix) && k.compareTo(startAfter) <= 0);
        }
        var request = ListObjectsV2Request.builder().bucket(bucket).prefix(flowPrefix).startAfter(startAfter).build();
        for (S3Object o : s3.listObjectsV2Paginator(request).contents()) {
            String key = o.key();
            if (!key.endsWith(OUTPUT) || done.contains(key)) {
                continue;
            }
            if (store.outputProcessed(key)) {
                done.add(key);
            } else {
                found.add(key);
            }
        }
    }

    /** The time in an output's path, or null for a key not in A2I's layout. */
    static Instant pathTime(String flowPrefix, String key) {
        String rest = key.substring(flowPrefix.length());
        if (rest.length() < 20) {
            return null;
        }
        try {
            return Instant.from(PATH_TIME.parse(rest.substring(0, 19)));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
