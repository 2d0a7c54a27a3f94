package io.modelloop.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelloop.review.BuiltinReviewService;
import io.modelloop.review.HumanLoop;
import io.modelloop.review.HumanReview;
import io.modelloop.review.HumanReviewException;
import io.modelloop.review.ReviewRefusedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The review queue of the built-in review service: GET /api/reviews, GET /api/reviews/{loop},
 * GET /api/reviews/{loop}/image, POST /api/reviews/{loop}/answer. With the A2I backend the
 * reviewing happens in A2I and every call answers 404 saying so.
 *
 * <p>No authentication yet: it comes with the web console (SPEC 6, reviewers who log in); until
 * then the reviewer names themself in the answer body.
 */
public final class ReviewApi {

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
                "loops", q.loops().stream().map(ReviewApi::summary).toList()));
    }

    /** GET /api/reviews/{loop}: the loop, its label choices (None of the Above last) and the image link. */
    public void get(Exchange exchange) {
        if (inactive(exchange)) {
            return;
        }
        String name = exchange.getMessage().getHeader("loop", String.class);
        service.loop(name).ifPresentOrElse(loop -> {
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
            JsonResponses.reply(exchange, 200, m);
        }, () -> JsonResponses.reply(exchange, 404, Map.of("error", "no human loop " + name)));
    }

    /** GET /api/reviews/{loop}/image: the image's bytes with its content type. */
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
            Message m = exchange.getMessage();
            m.removeHeaders("*");
            m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            m.setHeader(Exchange.CONTENT_TYPE, image.contentType());
            m.setHeader("Cache-Control", "private, max-age=300");
            m.setBody(bytes);
        } catch (ReviewRefusedException e) {
            refused(exchange, e);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the image of human loop " + name + " failed", e);
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
            label = node.path("label").isValueNode() ? node.path("label").asText() : null;
            reviewer = node.path("reviewer").isValueNode() ? node.path("reviewer").asText() : null;
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
        JsonResponses.reply(exchange, e.reason().httpStatus, m);
    }

    private static Map<String, Object> summary(HumanLoop loop) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", loop.name());
        m.put("source", loop.source());
        m.put("detectionId", loop.detectionId());
        m.put("detectedLabel", loop.detectedLabel());
        m.put("confidence", loop.confidence());
        m.put("imageUri", loop.imageUri());
        m.put("image", "/api/reviews/" + loop.name() + "/image");
        m.put("labels", loop.labels() == null ? List.of() : loop.labels());
        m.put("status", loop.status());
        m.put("createdAt", loop.createdAt());
        return m;
    }
}
