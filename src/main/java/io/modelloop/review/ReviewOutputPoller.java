package io.modelloop.review;

import io.modelloop.storage.BucketLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Finds human-loop outputs (…/output.json under a2i-human-loop-data/) not processed yet. It
 * lists the whole prefix each time: output keys are not written in key order (two answers in the
 * same second, or an A2I loop answered days after the loop its path is dated by), so resuming
 * after the last key seen would skip some. Outputs processed by this instance are remembered;
 * after a restart the processor recognises the ones already recorded.
 */
public final class ReviewOutputPoller {

    private final S3Client s3;
    private final String bucket;
    private final ReviewResultsProcessor processor;
    private final Set<String> done = ConcurrentHashMap.newKeySet();

    public ReviewOutputPoller(S3Client s3, String bucket, ReviewResultsProcessor processor) {
        this.s3 = s3;
        this.bucket = bucket;
        this.processor = processor;
    }

    /** Processes each new output; returns the keys it processed. */
    public synchronized List<String> poll() {
        List<String> processed = new ArrayList<>();
        var request = ListObjectsV2Request.builder().bucket(bucket).prefix(BucketLayout.HUMAN_LOOP_DATA).build();
        for (S3Object o : s3.listObjectsV2Paginator(request).contents()) {
            if (!o.key().endsWith("/output.json") || done.contains(o.key())) {
                continue;
            }
            // a failure throws before the key is remembered, so the next poll tries it again
            if (processor.process(o.key())) {
                processed.add(o.key());
            }
            done.add(o.key());
        }
        return processed;
    }
}
