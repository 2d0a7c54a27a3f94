package io.modelloop.parameters;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One value a parameter had in its store.
 *
 * @param changedBy who set it, when known (the console user, the CLI's OS user, SSM's IAM identity)
 * @param source    how it got there, e.g. {@link #CONSOLE_API}, {@link #FILE_EDIT}, "cli", "ssm"
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ParameterHistoryEntry(String value, Instant changedAt, String changedBy, String source) {

    public static final String CONSOLE_API = "console/api";
    public static final String FILE_EDIT = "file edit";
    public static final String CLI = "cli";
    public static final String RESTORED = "restored by ModelLoop";
}
