package io.modelloop.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelloop.detection.HumanLoop;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The A2I human-loop output JSON (SPEC 4.2), written by the built-in review service in the
 * same shape and at the same kind of key as A2I, and read by the one results route.
 */
public final class HumanLoopOutput {

    public static final String ANSWER_TASK = "crowd-image-classifier";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter PATH_TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/mm/ss").withZone(ZoneOffset.UTC);

    /** What the results route needs from an output document. */
    public record Answer(String humanLoopName, String source, String detectionId, String detectedLabel,
                         Double confidence, String imageUri, String label, String workerId, Instant submissionTime) {
    }

    private HumanLoopOutput() {
    }

    /** a2i-human-loop-data/FLOW/yyyy/MM/dd/HH/mm/ss/LOOP/output.json, A2I's layout. */
    public static String key(String flowName, String loopName, Instant at) {
        return "a2i-human-loop-data/" + flowName + "/" + PATH_TIME.format(at) + "/" + loopName + "/output.json";
    }

    /** The loop's input as A2I's InputContent: what the task template and the results route read. */
    public static Map<String, Object> inputContent(HumanLoop loop) {
        java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("source", loop.source());
        m.put("detectionId", loop.detectionId());
        m.put("detectedLabel", loop.detectedLabel());
        m.put("confidence", loop.confidence());
        m.put("taskObject", loop.imageUri());
        m.put("labels", loop.labels());
        // why the image was sent, for a task template to show (HumanTaskUiResource) and for the record
        if (loop.confidenceReason() != null) {
            m.put("confidenceReason", loop.confidenceReason());
        }
        if (loop.classProbability() != null) {
            m.put("classProbability", loop.classProbability());
        }
        if (loop.familiarity() != null) {
            m.put("familiarity", loop.familiarity());
        }
        m.put("sentBecause", SentForReview.describe(loop, true));
        return m;
    }

    public static String write(HumanLoop loop, String flowDefinitionArn, String label, String workerId, Instant acceptedAt,
                               Instant submittedAt) {
        ObjectNode root = JSON.createObjectNode();
        root.put("flowDefinitionArn", flowDefinitionArn);
        ArrayNode answers = root.putArray("humanAnswers");
        ObjectNode a = answers.addObject();
        a.put("acceptanceTime", acceptedAt.toString());
        a.putObject("answerContent").putObject(ANSWER_TASK).put("label", label);
        a.put("submissionTime", submittedAt.toString());
        a.put("timeSpentInSeconds", Math.max(0, submittedAt.toEpochMilli() - acceptedAt.toEpochMilli()) / 1000.0);
        a.put("workerId", workerId);
        root.put("humanLoopName", loop.name());
        root.set("inputContent", JSON.valueToTree(inputContent(loop)));
        return root.toString();
    }

    /**
     * Reads an output document.
     *
     * @throws IllegalArgumentException with the reason when it is not JSON, has no answer or no label
     */
    public static Answer parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("human-loop output is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("human-loop output is not a JSON object");
        }
        String loop = text(root, "humanLoopName");
        if (loop == null) {
            throw new IllegalArgumentException("human-loop output has no humanLoopName");
        }
        JsonNode answers = root.path("humanAnswers");
        if (!answers.isArray() || answers.isEmpty()) {
            throw new IllegalArgumentException("human loop " + loop + " has no answers");
        }
        JsonNode first = answers.get(0);
        String label = text(first.path("answerContent").path(ANSWER_TASK), "label");
        if (label == null) {
            throw new IllegalArgumentException("human loop " + loop + " answer has no " + ANSWER_TASK + " label");
        }
        JsonNode input = root.path("inputContent");
        if (input.isTextual()) {
            try {
                input = JSON.readTree(input.asText());
            } catch (IOException e) {
                throw new IllegalArgumentException("human loop " + loop + " inputContent is not JSON");
            }
        }
        String submitted = text(first, "submissionTime");
        Instant at;
        try {
            at = submitted == null ? null : Instant.parse(submitted);
        } catch (RuntimeException e) {
            at = null;
        }
        return new Answer(loop, text(input, "source"), text(input, "detectionId"), text(input, "detectedLabel"),
                input.path("confidence").isNumber() ? input.path("confidence").asDouble() : null,
                text(input, "taskObject"), label, text(first, "workerId"), at);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }
}
