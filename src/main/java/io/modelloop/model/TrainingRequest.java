package io.modelloop.model;

/**
 * What a training needs: a version name unique in the project, the manifest in the bucket,
 * and where evaluation output goes (SPEC: evaluation/).
 */
public record TrainingRequest(String versionName, String bucket, String manifestKey, String outputPrefix, int imageCount) {
}
