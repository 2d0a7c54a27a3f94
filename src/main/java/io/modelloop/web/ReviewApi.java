package io.modelloop.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelloop.review.BuiltinReviewService;
import io.modelloop.detection.HumanLoop;
import io.modelloop.review.SentForReview;
import io.modelloop.review.HumanReview;
import io.modelloop.review.HumanReviewException;
import io.modelloop.review.ReviewRefusedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * The review queue of the built-in review service: GET /api/reviews, GET /api/reviews/{loop},
 * GET /api/reviews/{loop}/image, POST /api/reviews/next, POST /api/reviews/{loop}/hold,
 * POST /api/reviews/{loop}/release, POST /api/reviews/{loop}/answer. With the A2I backend the
 * reviewing happens in A2I and every call answers 404 saying so.
 *
 * <p>The reviewer is the signed-in user the web layer passes in {@value #USER_HEADER}; without
 * that header (no sign-in in front, tests) the body's {@code reviewer} names them. The web layer
 * must drop a client's own {@value #USER_HEADER} so nobody can act as someone else.
 */
public final class ReviewApi {

    /** The signed-in user, set by the web layer in front of the routes. */
    public static final String USER_HEADER = "X-ModelLoop-User";

    private final BuiltinReviewService service;
    private final String backend;
    private final java.util.function.Function<String, String> imageLinks;
    private final boolean showDetectedLabel;

    /** @param review the active review backend; the queue exists only when it is the built-in service */
    public ReviewApi(HumanReview review) {
        this(review, uri -> null);
    }

    /** @param imageLinks short-lived direct link to an s3:// image, shown beside the application's image URL */
    public ReviewApi(HumanReview review, java.util.function.Function<String, String> imageLinks) {
        this(review, imageLinks, true);
    }

    /**
     * @param showDetectedLabel modelloop.review.show-detected-label: whether the review page shows the model's
     *                          label and confidence (the API itself still returns them)
     */
    public ReviewApi(HumanReview review, java.util.function.Function<String, String> imageLinks, boolean showDetectedLabel) {
        this.service = review instanceof BuiltinReviewService b ? b : null;
        this.backend = review == null ? "none" : review.name();
        this.imageLinks = imageLinks;
        this.showDetectedLabel = showDetectedLabel;
    }

    /** GET /api/reviews?limit=n: {"count": open loops, "showDetectedLabel": setting, "loops": [oldest first]}. */
    public void list(Exchange exchange) {
        if (inactive(exchange)) {
            return;
        }
        String limitText = exchange.getMessage().getHeader("limit", String.class);
        int limit;
        try {
            limit = limitText == null || limitText.isBlank() ? 50 : Integer.parseInt(limitText.trim());
            if (limit < 1 || limit > 1000) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            JsonResponses.reply(exchange, 400, Map.of("error", "bad query: limit must be from 1 to 1000"));
            return;
        }
        BuiltinReviewService.Queue q = service.openLoops(limit);
        JsonResponses.reply(exchange, 200, Map.of("count", q.count(), "showDetectedLabel", showDetectedLabel,
                "loops", q.loops().stream().map(this::summary).toList()));
    }

    /** GET /api/reviews/{loop}: the loop, its label choices (None of the Above last) and the image link. */
    public void get(Exchange exchange) {
        if (inactive(exchange)) {
            return;
        }
        String name = exchange.getMessage().getHeader("loop", String.class);
        service.loop(name).ifPresentOrElse(loop -> JsonResponses.reply(exchange, 200, detail(loop)),
                () -> JsonResponses.reply(exchange, 404, Map.of("error", "no human loop " + name)));
    }

    /** A loop as a reviewer is shown it: the summary, choices, rule, direct image link and answer if any. */
    private Map<String, Object> detail(HumanLoop loop) {
        Map<String, Object> m = summary(loop);
        m.put("choices", service.choices(loop));
        m.put("labelRule", BuiltinReviewService.LABEL_RULE);
        String link = imageLinks.apply(loop.imageUri());
        if (link != null) {
            m.put("imageLink", link);
        }
        if (loop.status() == HumanLoop.Status.ANSWERED) {
            m.put("answer", loop.answer());
            m.put("reviewer", loop.reviewer());
            m.put("answeredAt", loop.answeredAt());
        }
        return m;
    }

    /** GET /api/reviews/{loop}/image: the image's bytes, served only when they are a PNG or JPEG. */
    public void image(Exchange exchange) {
        if (inactive(exchange)) {
            return;
        }
        String name = exchange.getMessage().getHeader("loop", String.class);
        try {
            BuiltinReviewService.Image image = service.image(name);
            byte[] bytes;
            try (var in = image.stream()) {
                bytes = in.readAllBytes();
            }
            ImageReply.send(exchange, bytes, image.key());
        } catch (ReviewRefusedException e) {
            refused(exchange, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the image of human loop " + name + " failed", e);
        }
    }

    /**
     * POST /api/reviews/next, body optional {"skip": ["loop", ...]}: holds the oldest loop free for
     * the caller and answers it like GET /api/reviews/{loop} (with heldBy and heldUntil), or
     * {"loop": null, "count": open loops} when none is left.
     */
    public void next(Exchange exchange) {
        if (inactive(exchange)) {
            return;
        }
        JsonNode body = optionalBody(exchange);
        if (body == null) {
            return;
        }
        JsonNode skip = body.path("skip");
        if (!skip.isMissingNode() && !skip.isNull() && !skip.isArray()) {
            JsonResponses.reply(exchange, 400, Map.of("error", "skip must be a list of loop names"));
            return;
        }
        Set<String> skipped = new HashSet<>();
        skip.forEach(n -> skipped.add(n.asText()));
        try {
            service.next(reviewer(exchange, body), skipped).ifPresentOrElse(
                    loop -> JsonResponses.reply(exchange, 200, detail(loop)),
                    () -> {
                        Map<String, Object> none = new LinkedHashMap<>();
                        none.put("loop", null);
                        none.put("count", service.openLoops(1).count());
                        JsonResponses.reply(exchange, 200, none);
                    });
        } catch (ReviewRefusedException e) {
            refused(exchange, e);
        }
    }

    /** POST /api/reviews/{loop}/hold: 200 with the loop now held by the caller, 409 when someone else holds it. */
    public void hold(Exchange exchange) {
        holdOrRelease(exchange, true);
    }

    /** POST /api/reviews/{loop}/release: gives up the caller's hold (a skip); 200 with the loop. */
    public void release(Exchange exchange) {
        holdOrRelease(exchange, false);
    }

    private void holdOrRelease(Exchange exchange, boolean hold) {
        if (inactive(exchange)) {
            return;
        }
        String name = exchange.getMessage().getHeader("loop", String.class);
        JsonNode body = optionalBody(exchange);
        if (body == null) {
            return;
        }
        try {
            String reviewer = reviewer(exchange, body);
            HumanLoop loop = hold ? service.hold(name, reviewer) : service.release(name, reviewer);
            JsonResponses.reply(exchange, 200, detail(loop));
        } catch (ReviewRefusedException e) {
            refused(exchange, e);
        }
    }

    /** POST /api/reviews/{loop}/answer {"label": "...", "reviewer": "..."}: 200 with the output key. */
    public void answer(Exchange exchange) {
        if (inactive(exchange)) {
            return;
        }
        String name = exchange.getMessage().getHeader("loop", String.class);
        String body = exchange.getMessage().getBody(String.class);
        String label;
        String reviewer;
        try {
            JsonNode node = body == null || body.isBlank() ? null : JsonResponses.JSON.readTree(body);
            if (node == null || !node.isObject()) {
                JsonResponses.reply(exchange, 400, Map.of("error", "send {\"label\": \"...\", \"reviewer\": \"...\"}"));
                return;
            }
            JsonNode given = node.get("label");
            if (given != null && !given.isTextual()) {
                // null, true or 42 would otherwise become the labels "null", "true", "42"
                JsonResponses.reply(exchange, 400, Map.of("error", "label must be a string, got " + given.getNodeType()
                        .name().toLowerCase(java.util.Locale.ROOT) + ": " + BuiltinReviewService.LABEL_RULE,
                        "rule", BuiltinReviewService.LABEL_RULE));
                return;
            }
            label = given == null ? null : given.asText();
            reviewer = reviewer(exchange, node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            JsonResponses.reply(exchange, 400, Map.of("error", "body is not valid JSON: " + e.getOriginalMessage()));
            return;
        }
        try {
            String key = service.answer(name, label, reviewer);
            JsonResponses.reply(exchange, 200, Map.of("loop", name, "label", label.strip(), "outputKey", key));
        } catch (ReviewRefusedException e) {
            refused(exchange, e);
        } catch (HumanReviewException e) {
            JsonResponses.reply(exchange, 503, Map.of("error", e.getMessage(), "loop", name));
        }
    }

    /** The signed-in user when the web layer named one, else the body's "reviewer" (may be null). */
    private static String reviewer(Exchange exchange, JsonNode body) {
        String user = exchange.getMessage().getHeader(USER_HEADER, String.class);
        if (user != null) {
            return user;
        }
        return body.path("reviewer").isValueNode() ? body.path("reviewer").asText() : null;
    }

    /** The JSON object sent, an empty one when nothing was sent, or null after answering 400. */
    private static JsonNode optionalBody(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        if (body == null || body.isBlank()) {
            return JsonResponses.JSON.createObjectNode();
        }
        try {
            JsonNode node = JsonResponses.JSON.readTree(body);
            if (node.isObject()) {
                return node;
            }
            JsonResponses.reply(exchange, 400, Map.of("error", "send a JSON object or nothing"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            JsonResponses.reply(exchange, 400, Map.of("error", "body is not valid JSON: " + e.getOriginalMessage()));
        }
        return null;
    }

    private boolean inactive(Exchange exchange) {
        if (service != null) {
            return false;
        }
        JsonResponses.reply(exchange, 404, Map.of("error", "the built-in review service is not the active review backend"
                + " (modelloop.review.backend=" + backend + "); reviews happen in " + backend));
        return true;
    }

    private static void refused(Exchange exchange, ReviewRefusedException e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", e.getMessage());
        if (e.reason() == ReviewRefusedException.Reason.INVALID) {
            m.put("rule", BuiltinReviewService.LABEL_RULE);
        }
        if (e.reason() == ReviewRefusedException.Reason.HELD && e.loop() != null) {
            m.put("heldBy", e.loop().heldBy());
            m.put("heldUntil", e.loop().heldUntil());
        }
        JsonResponses.reply(exchange, e.reason().httpStatus, m);
    }

    private Map<String, Object> summary(HumanLoop loop) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", loop.name());
        m.put("source", loop.source());
        m.put("detectionId", loop.detectionId());
        m.put("detectedLabel", loop.detectedLabel());
        m.put("confidence", loop.confidence());
        m.put("confidenceReason", loop.confidenceReason());
        m.put("classProbability", loop.classProbability());
        m.put("familiarity", loop.familiarity());
        m.put("sentBecause", SentForReview.describe(loop, showDetectedLabel));
        m.put("imageUri", loop.imageUri());
        m.put("image", "/api/reviews/" + loop.name() + "/image");
        m.put("labels", loop.labels() == null ? List.of() : loop.labels());
        m.put("status", loop.status());
        m.put("createdAt", loop.createdAt());
        if (loop.heldBy() != null) {
            m.put("heldBy", loop.heldBy());
            m.put("heldUntil", loop.heldUntil());
        }
        return m;
    }
}
