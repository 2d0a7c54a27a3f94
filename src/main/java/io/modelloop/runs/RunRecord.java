package io.modelloop.runs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One workflow execution (detection, human-loop result, sampling check, training check or run,
 * parameter change), recorded like a state machine's execution history (SPEC section 5).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunRecord(
        String id,
        String type,
        RunStatus status,
        Instant startedAt,
        Instant endedAt,
        Map<String, Object> input,
        Map<String, Object> output,
        String error,
        List<Step> steps) {

    public enum RunStatus { RUNNING, SUCCEEDED, FAILED }

    /** One step with its timing; output and error as the step left them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Step(String name, RunStatus status, Instant startedAt, Instant endedAt,
                       Map<String, Object> output, String error) {
        public Long durationMs() {
            return endedAt == null ? null : endedAt.toEpochMilli() - startedAt.toEpochMilli();
        }
    }

    public Long durationMs() {
        return endedAt == null ? null : endedAt.toEpochMilli() - startedAt.toEpochMilli();
    }

    /** The JSON body both stores keep. */
    public String toJson() {
        try {
            return io.modelloop.config.Json.MAPPER.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot save run " + id + ": " + e.getOriginalMessage(), e);
        }
    }

    public static RunRecord fromJson(String json) {
        try {
            return io.modelloop.config.Json.MAPPER.readValue(json, RunRecord.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Stored run is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
