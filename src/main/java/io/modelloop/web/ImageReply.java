package io.modelloop.web;

import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Answers an API exchange with an image's bytes, cacheable by the signed-in browser only. Anyone who
 * can write to the bucket decides what these objects hold and which Content-Type they carry, and the
 * reply comes from the console's origin: so the type is taken from the bytes (PNG or JPEG only, never
 * from the object's metadata), and the reply is sandboxed in case a browser renders it as a document.
 */
final class ImageReply {

    static final String SANDBOX_CSP = "sandbox; default-src 'none'";

    private ImageReply() {
    }

    /**
     * @param key the object's key, for the download name only
     */
    static void send(Exchange exchange, byte[] bytes, String key) {
        String type = sniff(bytes);
        if (type == null) {
            JsonResponses.reply(exchange, 415, Map.of("error", "the object is not a PNG or JPEG image, so it is not shown"));
            exchange.getMessage().setHeader("Content-Security-Policy", SANDBOX_CSP);
            return;
        }
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, type);
        m.setHeader("X-Content-Type-Options", "nosniff");
        m.setHeader("Content-Security-Policy", SANDBOX_CSP);
        m.setHeader("Content-Disposition", "inline; filename=\"" + fileName(key, type) + "\"");
        m.setHeader("Cache-Control", "private, max-age=300");
        m.setBody(bytes);
    }

    /** image/png or image/jpeg from the magic bytes; null for anything else. */
    static String sniff(byte[] b) {
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A) {
            return "image/png";
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return "image/jpeg";
        }
        return null;
    }

    /** The key's last part reduced to harmless characters, with the extension of the real type. */
    static String fileName(String key, String type) {
        String last = key == null ? "" : key.substring(key.lastIndexOf('/') + 1);
        int dot = last.lastIndexOf('.');
        String stem = (dot > 0 ? last.substring(0, dot) : last).replaceAll("[^A-Za-z0-9._-]", "_");
        if (stem.length() > 100) {
            stem = stem.substring(0, 100);
        }
        if (stem.isEmpty() || stem.chars().allMatch(c -> c == '.' || c == '_')) {
            stem = "image";
        }
        return stem + ("image/png".equals(type) ? ".png" : ".jpg");
    }
}
