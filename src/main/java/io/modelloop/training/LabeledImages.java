package io.modelloop.training;

import io.modelloop.storage.BucketLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The training set: image objects under images_labeled_by_folder/LABEL/, the folder name
 * being the label. Folder markers, empty objects, non-image names, nested folders and folder
 * names that break the label rule are not counted.
 */
public final class LabeledImages {

    /** SPEC 4.2: a label starts with a letter or digit, then letters, digits, space, _ . - (at most 100). */
    public static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}");
    private static final List<String> IMAGE_SUFFIXES = List.of(".jpg", ".jpeg", ".png");

    private final S3Client s3;
    private final String bucket;

    public LabeledImages(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** The labeled images, by label (sorted), each label's keys sorted. */
    public Map<String, List<String>> list() {
        Map<String, List<String>> byLabel = new TreeMap<>();
        var pages = s3.listObjectsV2Paginator(ListObjectsV2Request.builder()
                .bucket(bucket).prefix(BucketLayout.LABELED).build());
        for (S3Object o : pages.contents()) {
            String rest = o.key().substring(BucketLayout.LABELED.length());
            int slash = rest.indexOf('/');
            if (slash <= 0 || rest.indexOf('/', slash + 1) >= 0) {
                continue; // marker of the prefix itself, a file beside the label folders, or a nested folder
            }
            String label = rest.substring(0, slash);
            String file = rest.substring(slash + 1);
            if (file.isEmpty() || o.size() == null || o.size() == 0 || !isImageName(file) || !LABEL.matcher(label).matches()) {
                continue;
            }
            byLabel.computeIfAbsent(label, k -> new ArrayList<>()).add(o.key());
        }
        byLabel.values().forEach(l -> l.sort(null));
        return byLabel;
    }

    static boolean isImageName(String file) {
        String lower = file.toLowerCase(Locale.ROOT);
        return IMAGE_SUFFIXES.stream().anyMatch(lower::endsWith);
    }

    public static int count(Map<String, List<String>> byLabel) {
        return byLabel.values().stream().mapToInt(List::size).sum();
    }
}
