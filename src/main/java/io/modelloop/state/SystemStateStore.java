package io.modelloop.state;

import io.modelloop.parameters.FileParameterStore;
import io.modelloop.parameters.ParameterStore;
import java.util.Optional;

/**
 * Where the machine-written system state lives, apart from anything people edit: a file of its
 * own in local ({@link SystemStateFile}), its own SSM parameter on AWS ({@link SystemStateParameter}).
 */
public interface SystemStateStore {

    /** The stored JSON, or empty when nothing was written yet. */
    Optional<String> read();

    /** Replaces the stored JSON; a crash during the write leaves the old value or the new one. */
    void write(String json);

    /** Where it is, for messages. */
    String location();

    /** The store that goes with a parameter store: a file beside the parameters file, else the store's own parameter. */
    static SystemStateStore beside(ParameterStore parameters) {
        if (parameters instanceof FileParameterStore file) {
            return new SystemStateFile(file.systemStateFile(), file);
        }
        return new SystemStateParameter(parameters);
    }
}
