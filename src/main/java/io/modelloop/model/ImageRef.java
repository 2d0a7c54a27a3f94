package io.modelloop.model;

/** An image object in the bucket. */
public record ImageRef(String bucket, String key) {
    public String uri() {
        return "s3://" + bucket + "/" + key;
    }
}
