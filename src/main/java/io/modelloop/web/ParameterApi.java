package io.modelloop.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelloop.parameters.InvalidParameterException;
import io.modelloop.parameters.ParameterChange;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.parameters.ParameterHistoryEntry;
import io.modelloop.parameters.ParameterService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/** GET /api/parameters, PUT /api/parameters/{name} and GET /api/parameters/{name}/history. */
public final class ParameterApi {

    /** The signed-in user, set by the console's authentication in front of the API. */
    public static final String USER_HEADER = "X-ModelLoop-User";
    static final int MAX_HISTORY = 1000;

    private final ParameterService parameters;

    public ParameterApi(ParameterService parameters) {
        this.parameters = parameters;
    }

    public void list(Exchange exchange) {
        Map<String, String> stored = parameters.storedValues();
        List<Map<String, Object>> out = new ArrayList<>();
        for (ParameterDefinition d : ParameterDefinition.ALL) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", d.name());
            p.put("value", parameters.values().get(d.name()));
            p.put("stored", stored.get(d.name()));
            p.put("valid", d.rule().accepts(stored.get(d.name())));
            p.put("default", d.defaultValue());
            p.put("rule", d.rule().description());
            p.put("meaning", d.meaning());
            out.add(p);
        }
        JsonResponses.reply(exchange, 200, Map.of("location", parameters.location(), "parameters", out));
    }

    public void set(Exchange exchange) {
        String name = exchange.getMessage().getHeader("name", String.class);
        String user = QueryParams.text(exchange, USER_HEADER);
        String value;
        try {
            value = value(exchange);
        } catch (IllegalArgumentException e) {
            JsonResponses.reply(exchange, 400, Map.of("error", e.getMessage(), "parameter", String.valueOf(name)));
            return;
        }
        try {
            List<ParameterChange> applied = parameters.set(name, value, user);
            JsonResponses.reply(exchange, 200, Map.of("parameter", name, "value", parameters.values().get(name),
                    "changed", !applied.isEmpty()));
        } catch (InvalidParameterException e) {
            int status = name.startsWith(ParameterDefinition.SYSTEM_STATE) ? 403
                    : ParameterDefinition.find(name).isEmpty() ? 404 : 400;
            // the value is in the message once, shortened: not echoed again in full
            JsonResponses.reply(exchange, status, Map.of("error", e.getMessage(), "parameter", io.modelloop.config.Echo.of(name), "rule", e.rule()));
        }
    }

    public void history(Exchange exchange) {
        String name = exchange.getMessage().getHeader("name", String.class);
        int limit;
        try {
            limit = QueryParams.wholeNumber(exchange, "limit", 50, 1, MAX_HISTORY);
        } catch (IllegalArgumentException e) {
            JsonResponses.reply(exchange, 400, Map.of("error", e.getMessage(), "usage", "limit: 1-" + MAX_HISTORY));
            return;
        }
        List<ParameterHistoryEntry> history;
        try {
            history = parameters.history(name, limit);
        } catch (InvalidParameterException e) {
            int status = name.startsWith(ParameterDefinition.SYSTEM_STATE) ? 403 : 404;
            JsonResponses.reply(exchange, status, Map.of("error", e.getMessage(), "parameter", name));
            return;
        }
        JsonResponses.reply(exchange, 200, Map.of("parameter", name, "history", history));
    }

    /** The new value: a JSON body {"value": "..."} or the plain-text body itself. */
    private static String value(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("send the new value as {\"value\": \"...\"} or as a text body");
        }
        String type = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, "", String.class);
        if (type.startsWith("application/json") || body.trim().startsWith("{")) {
            try {
                JsonNode node = JsonResponses.JSON.readTree(body);
                JsonNode v = node.get("value");
                if (v == null || v.isNull() || v.isContainerNode()) {
                    throw new IllegalArgumentException("JSON body needs a \"value\" field holding the new value");
                }
                return v.asText();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("body is not valid JSON: " + e.getOriginalMessage());
            }
        }
        return body.trim();
    }
}
