package io.modelloop.detection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One version of one object, as an S3 event or a listing reports it. The same version
 * delivered twice has the same {@link #idempotencyKey()}.
 *
 * @param key       the decoded object key (events carry it URL-encoded)
 * @param etag      the ETag without quotes, when known
 * @param sequencer the S3 event sequencer, when known
 * @param size      bytes, when known
 * @param eventTime when the object was created, when known
 */
public record ObjectVersion(String bucket, String key, String etag, String sequencer, Long size, Instant eventTime) {

    /** bucket/key/etag (or sequencer when there is no ETag). */
    public String idempotencyKey() {
        String version = etag != null && !etag.isBlank() ? etag : sequencer == null ? "" : sequencer;
        return bucket + "/" + key + "/" + version;
    }

    /** A detection id derived from the object version, so a retry finds the same record. */
    public String detectionId() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(idempotencyKey().getBytes(StandardCharsets.UTF_8));
            return "det-" + HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String fileName() {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
