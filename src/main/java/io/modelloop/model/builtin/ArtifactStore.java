package io.modelloop.model.builtin;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.modelloop.model.InvalidImageException;
import io.modelloop.model.TransientModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Versions in the bucket: models/&lt;version&gt;/model.json (the record), parameters.bin (the
 * trained block) and, while a training runs, cancel-requested (set by a pod that is not the
 * one training). S3 faults other than a missing key are {@link TransientModelException}s.
 */
public final class ArtifactStore {

    public static final String PREFIX = "models/";
    public static final String RECORD = "model.json";
    public static final String PARAMETERS = "parameters.bin";
    public static final String FAMILIARITY = "familiarity.bin";
    public static final String FAMILIARITY_INK = "familiarity-ink.bin";
    public static final String CANCEL = "cancel-requested";

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final S3Client s3;
    private final String bucket;

    public ArtifactStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public String bucket() {
        return bucket;
    }

    public static String key(String version, String file) {
        return PREFIX + version + "/" + file;
    }

    public Optional<VersionRecord> read(String version) {
        return get(bucket, key(version, RECORD)).map(bytes -> {
            try {
                return JSON.readValue(bytes, VersionRecord.class);
            } catch (IOException e) {
                throw new IllegalStateException("models/" + version + "/model.json is not readable: " + e.getMessage(), e);
            }
        });
    }

    public void write(VersionRecord record) {
        try {
            put(key(record.name, RECORD), JSON.writeValueAsBytes(record), "application/json");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean exists(String version) {
        return get(bucket, key(version, RECORD)).isPresent();
    }

    /** The version names under models/, in key order. */
    public List<String> versionNames() {
        List<String> names = new ArrayList<>();
        try {
            String token = null;
            do {
                ListObjectsV2Response page = s3.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket)
                        .prefix(PREFIX).delimiter("/").continuationToken(token).build());
                for (CommonPrefix p : page.commonPrefixes()) {
                    String name = p.prefix().substring(PREFIX.length(), p.prefix().length() - 1);
                    if (!name.isEmpty()) {
                        names.add(name);
                    }
                }
                token = page.isTruncated() ? page.nextContinuationToken() : null;
            } while (token != null);
        } catch (SdkException e) {
            throw new TransientModelException("cannot list " + PREFIX + " in bucket " + bucket + ": " + e.getMessage(), e);
        }
        return names;
    }

    public void put(String key, byte[] bytes, String contentType) {
        put(bucket, key, bytes, contentType);
    }

    public void put(String toBucket, String key, byte[] bytes, String contentType) {
        try {
            s3.putObject(b -> b.bucket(toBucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw new TransientModelException("cannot write s3://" + toBucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    /** Uploads a file (streamed: a backbone may be hundreds of MB) to this store's bucket. */
    public void putFile(String key, java.nio.file.Path file, String contentType) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw new TransientModelException("cannot write s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    /** Downloads an object of this store's bucket to a (new) file; false when there is no such object. */
    public boolean getFile(String key, java.nio.file.Path target) {
        try {
            s3.getObject(b -> b.bucket(bucket).key(key), target);
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (SdkException e) {
            throw new TransientModelException("cannot read s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    public void delete(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw new TransientModelException("cannot delete s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    public Optional<byte[]> get(String fromBucket, String key) {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(fromBucket).key(key));
            return Optional.of(bytes.asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new TransientModelException("cannot read s3://" + fromBucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * An image's bytes, refused as {@link io.modelloop.model.InvalidImageException} when the object
     * does not exist or is larger than maxBytes (checked before reading it).
     */
    public byte[] getImage(String fromBucket, String key, long maxBytes) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(fromBucket).key(key))) {
            Long length = in.response().contentLength();
            if (length != null && length > maxBytes) {
                in.abort();
                throw new InvalidImageException("image is " + length + " bytes, more than the limit of " + maxBytes);
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                in.abort();
                throw new InvalidImageException("image is more than the limit of " + maxBytes + " bytes");
            }
            return bytes;
        } catch (NoSuchKeyException e) {
            throw new InvalidImageException("no object s3://" + fromBucket + "/" + key);
        } catch (SdkException e) {
            throw new TransientModelException("cannot read s3://" + fromBucket + "/" + key + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new TransientModelException("cannot read s3://" + fromBucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    public Optional<String> getText(String fromBucket, String key) {
        return get(fromBucket, key).map(b -> new String(b, StandardCharsets.UTF_8));
    }
}
