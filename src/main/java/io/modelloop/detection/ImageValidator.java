package io.modelloop.detection;

import io.modelloop.model.InvalidImageException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Checks an object is a PNG or JPEG by its first bytes (not its name) and within the size
 * limit, reading only a HEAD and the first 16 bytes: the model reads the image itself.
 */
public record ImageValidator(S3Client s3, long maxBytes) {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    /** @throws InvalidImageException with the reason when the object is not an acceptable image */
    public String validate(ObjectVersion o) {
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(o.bucket()).key(o.key()));
        } catch (NoSuchKeyException e) {
            throw new InvalidImageException("the object no longer exists");
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                throw new InvalidImageException("the object no longer exists");
            }
            throw e;
        }
        long size = head.contentLength() == null ? 0 : head.contentLength();
        if (size == 0) {
            throw new InvalidImageException("the object is empty (0 bytes)");
        }
        if (size > maxBytes) {
            throw new InvalidImageException("the image is " + size + " bytes; the limit is " + maxBytes + " bytes");
        }
        byte[] first = s3.getObjectAsBytes(b -> b.bucket(o.bucket()).key(o.key()).range("bytes=0-15")).asByteArray();
        if (startsWith(first, PNG)) {
            return "image/png";
        }
        if (startsWith(first, JPEG)) {
            return "image/jpeg";
        }
        throw new InvalidImageException("the content is not a PNG or JPEG image (whatever its name says)");
    }

    private static boolean startsWith(byte[] data, byte[] magic) {
        if (data.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (data[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
