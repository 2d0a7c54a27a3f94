package io.modelloop.storage;

import java.util.Locale;

/**
 * The content type an image is served with. Objects copied into the bucket by hand or by tools
 * often carry none or a generic one; browsers with nosniff on then show nothing, so the key's
 * extension decides.
 */
public final class ImageTypes {

    private ImageTypes() {
    }

    /** @param stored the object's Content-Type as the object store reports it (may be null) */
    public static String of(String stored, String key) {
        if (stored != null && !stored.isBlank() && !stored.startsWith("application/octet-stream") && !stored.startsWith("binary/")) {
            return stored;
        }
        String k = key.toLowerCase(Locale.ROOT);
        if (k.endsWith(".png")) {
            return "image/png";
        }
        return k.endsWith(".jpg") || k.endsWith(".jpeg") ? "image/jpeg" : "application/octet-stream";
    }
}
