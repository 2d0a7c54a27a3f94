package io.modelloop.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SageMaker Ground Truth image-classification manifest (JSON lines), the format Rekognition
 * Custom Labels trains from: one line per image, the class name in the label attribute's
 * metadata. The built-in model reads the same file.
 */
public final class GroundTruthManifest {

    public static final String LABEL_ATTRIBUTE = "modelloop-label";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS")
            .withZone(ZoneOffset.UTC);

    /** One line: an image and its class name. */
    public record Entry(String bucket, String key, String className) {
        public String sourceRef() {
            return "s3://" + bucket + "/" + key;
        }
    }

    private GroundTruthManifest() {
    }

    /** The manifest text; class ids follow the sorted class names. */
    public static String write(List<Entry> entries, Instant created) {
        Map<String, Integer> ids = new TreeMap<>();
        entries.forEach(e -> ids.putIfAbsent(e.className(), 0));
        int next = 0;
        for (String name : ids.keySet()) {
            ids.put(name, next++);
        }
        StringBuilder out = new StringBuilder();
        for (Entry e : entries) {
            ObjectNode line = JSON.createObjectNode();
            line.put("source-ref", e.sourceRef());
            line.put(LABEL_ATTRIBUTE, ids.get(e.className()));
            ObjectNode meta = line.putObject(LABEL_ATTRIBUTE + "-metadata");
            meta.put("confidence", 1);
            meta.put("job-name", "labeling-job/" + LABEL_ATTRIBUTE);
            meta.put("class-name", e.className());
            meta.put("human-annotated", "yes");
            meta.put("creation-date", DATE.format(created));
            meta.put("type", "groundtruth/image-classification");
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** Reads a manifest; any label attribute with a -metadata object carrying class-name is accepted. */
    public static List<Entry> parse(String text) {
        List<Entry> entries = new ArrayList<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(line);
                String ref = node.path("source-ref").asText("");
                if (!ref.startsWith("s3://") || ref.indexOf('/', 5) < 0) {
                    throw new IllegalArgumentException("manifest line " + n + " has no s3:// source-ref");
                }
                String className = null;
                for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (f.endsWith("-metadata") && node.get(f).hasNonNull("class-name")) {
                        className = node.get(f).get("class-name").asText();
                    }
                }
                if (className == null) {
                    throw new IllegalArgumentException("manifest line " + n + " has no class-name");
                }
                int slash = ref.indexOf('/', 5);
                entries.add(new Entry(ref.substring(5, slash), ref.substring(slash + 1), className));
            } catch (IOException e) {
                throw new UncheckedIOException("manifest line " + n + " is not JSON", e);
            }
        }
        return entries;
    }
}
