package io.modelloop.review;

import io.modelloop.storage.BucketLayout;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Finds human-loop outputs (…/output.json under a2i-human-loop-data/) written since the last
 * look. Keys sort by time within a flow (A2I's yyyy/MM/dd/HH/mm/ss layout), so the listing
 * resumes after the last key seen; after a restart it starts over and the processor skips
 * outputs already recorded.
 */
public final class ReviewOutputPoller {

    private final S3Client s3;
    private final String bucket;
    private final ReviewResultsProcessor processor;
    private volatile String lastKey;

    public ReviewOutputPoller(S3Client s3, String bucket, ReviewResultsProcessor processor) {
        this.s3 = s3;
        this.bucket = bucket;
        this.processor = processor;
    }

    /** Processes each new output; returns the keys it processed. */
    public synchronized List<String> poll() {
        List<String> processed = new ArrayList<>();
        var request = ListObjectsV2Request.builder().bucket(bucket).prefix(BucketLayout.HUMAN_LOOP_DATA);
        if (lastKey != null) {
            request.startAfter(lastKey);
        }
        for (S3Object o : s3.listObjectsV2Paginator(request.build()).contents()) {
            if (!o.key().endsWith("/output.json")) {
                continue;
            }
            // a failure leaves lastKey before this output, so the next poll tries it again
            if (processor.process(o.key())) {
                processed.add(o.key());
            }
            lastKey = o.key();
        }
        return processed;
    }
}
