package io.modelloop.detection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.storage.BucketLayout;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the body of an SQS message carrying S3 event notifications into the object versions
 * to classify (SPEC 4.1).
 *
 * <p>Accepted shapes: the S3 event itself ({@code {"Records":[...]}}, several records per message
 * allowed), the same wrapped by SNS ({@code {"Type":"Notification","Message":"<escaped JSON>"}})
 * and the {@code s3:TestEvent} S3 sends when a notification is configured (no records: an empty
 * list, to be acknowledged).
 *
 * <p>Kept: {@code ObjectCreated:*} records whose decoded key lies under
 * {@link BucketLayout#DETECTION}, including keys in sub-folders of it
 * ({@code images_for_detection/camera-1/a.jpg}): S3's own prefix filter on a notification
 * matches them, and the polling trigger lists the prefix recursively too, so both triggers
 * treat the same objects alike. Ignored (left out of the list, so the message is acknowledged):
 * other event types such as {@code ObjectRemoved:*}, keys outside the prefix, folder markers
 * (keys ending in {@code /}) and zero-byte objects.
 *
 * <p>Keys arrive URL-encoded the way HTML forms encode them: {@code +} is a space,
 * {@code %2B} a plus, {@code %C3%A9} an {@code é}; they are decoded here.
 *
 * <p>Anything else (not JSON, an object that is neither an S3 event, an SNS envelope nor a test
 * event, a record without bucket or key, broken %-encoding) throws
 * {@link PermanentEventException}: one bad record makes the whole message poison, so that it
 * lands in the dead-letter queue intact rather than half processed.
 */
public final class S3EventParser {

    private static final Logger LOG = LoggerFactory.getLogger(S3EventParser.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String prefix;

    public S3EventParser() {
        this(BucketLayout.DETECTION);
    }

    public S3EventParser(String prefix) {
        this.prefix = prefix;
    }

    /** The object versions to classify; empty when the message carries nothing to do. */
    public List<ObjectVersion> parse(String body) {
        if (body == null || body.isBlank()) {
            throw new PermanentEventException("Empty message body: not an S3 event");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new PermanentEventException("Message body is not JSON: " + e.getOriginalMessage(), e);
        }
        return parse(root, 0);
    }

    private List<ObjectVersion> parse(JsonNode root, int depth) {
        if (root == null || !root.isObject()) {
            throw new PermanentEventException("Message body is not a JSON object: not an S3 event");
        }
        if ("Notification".equals(text(root, "Type")) && root.has("Message") && depth == 0) {
            JsonNode message = root.get("Message");
            if (message.isTextual()) {
                try {
                    message = JSON.readTree(message.asText());
                } catch (JsonProcessingException e) {
                    throw new PermanentEventException("SNS notification whose Message is not JSON: "
                            + e.getOriginalMessage(), e);
                }
            }
            return parse(message, depth + 1);
        }
        if ("s3:TestEvent".equals(text(root, "Event"))) {
            LOG.info("S3 test event for bucket {} acknowledged", text(root, "Bucket"));
            return List.of();
        }
        JsonNode records = root.get("Records");
        if (records == null || !records.isArray()) {
            throw new PermanentEventException("JSON message is neither an S3 event (no Records array), an SNS "
                    + "notification nor an s3:TestEvent");
        }
        List<ObjectVersion> out = new ArrayList<>();
        for (JsonNode record : records) {
            ObjectVersion v = toVersion(record);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    private ObjectVersion toVersion(JsonNode record) {
        String eventName = text(record, "eventName");
        JsonNode s3 = record.path("s3");
        String bucket = text(s3.path("bucket"), "name");
        String rawKey = text(s3.path("object"), "key");
        if (eventName == null || bucket == null || rawKey == null) {
            throw new PermanentEventException("S3 event record without eventName, s3.bucket.name or s3.object.key: "
                    + abbreviate(record.toString()));
        }
        String key = decodeKey(rawKey);
        if (!eventName.startsWith("ObjectCreated:")) {
            LOG.debug("Ignoring {} of {}", eventName, key);
            return null;
        }
        if (!key.startsWith(prefix)) {
            LOG.debug("Ignoring {}: outside {}", key, prefix);
            return null;
        }
        if (key.endsWith("/")) {
            LOG.debug("Ignoring folder marker {}", key);
            return null;
        }
        JsonNode sizeNode = s3.path("object").path("size");
        Long size = sizeNode.isNumber() ? Long.valueOf(sizeNode.asLong()) : null;
        if (size != null && size == 0) {
            LOG.debug("Ignoring zero-byte object {}", key);
            return null;
        }
        String etag = text(s3.path("object"), "eTag");
        if (etag != null) {
            etag = etag.replace("\"", "");
        }
        return new ObjectVersion(bucket, key, etag, text(s3.path("object"), "sequencer"), size,
                instant(text(record, "eventTime")));
    }

    /** Decodes an S3 event key: {@code +} is a space, %XX sequences are UTF-8 bytes. */
    public static String decodeKey(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new PermanentEventException("Object key is not valid URL encoding: " + abbreviate(raw), e);
        }
    }

    private static Instant instant(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
