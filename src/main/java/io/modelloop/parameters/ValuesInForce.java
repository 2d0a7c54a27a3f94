package io.modelloop.parameters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;

/** JSON form of the values in force, stored under {@link ParameterDefinition#VALUES_IN_FORCE}. */
final class ValuesInForce {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ValuesInForce() {
    }

    static String encode(Map<String, String> values) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(values));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stored map, or an empty one when absent or unreadable (then defaults are the fallback). */
    static Map<String, String> decode(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
