package io.modelloop.storage;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/** The key layout of SPEC section 2, the same in every profile. */
public final class BucketLayout {

    public static final String LABELED = "images_labeled_by_folder/";
    public static final String DETECTION = "images_for_detection/";
    public static final String MANIFESTS = "manifests/";
    public static final String EVALUATION = "evaluation/";
    public static final String HUMAN_LOOP_DATA = "a2i-human-loop-data/";

    public static final List<String> PREFIXES = List.of(LABELED, DETECTION, MANIFESTS, EVALUATION, HUMAN_LOOP_DATA);

    private BucketLayout() {
    }

    /** Creates a folder marker for every prefix with no object under it; returns the ones created. */
    public static List<String> ensurePrefixes(S3Client s3, String bucket) {
        List<String> created = new ArrayList<>();
        for (String prefix : PREFIXES) {
            boolean present = s3.listObjectsV2(ListObjectsV2Request.builder()
                    .bucket(bucket).prefix(prefix).maxKeys(1).build()).keyCount() > 0;
            if (!present) {
                s3.putObject(b -> b.bucket(bucket).key(prefix).contentType("application/x-directory"),
                        RequestBody.empty());
                created.add(prefix);
            }
        }
        return created;
    }
}
