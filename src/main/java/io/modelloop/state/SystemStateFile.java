package io.modelloop.state;

import io.modelloop.parameters.FileParameterStore;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.parameters.StoredParameter;
import io.modelloop.storage.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system state in &lt;data&gt;/system-state.json (local profile), replaced atomically on every
 * write. Earlier versions kept it in parameters.properties as For-System-Use-Only: the first read
 * moves it from there, so emptying or deleting the parameters file no longer loses it.
 */
public final class SystemStateFile implements SystemStateStore {

    private static final Logger LOG = LoggerFactory.getLogger(SystemStateFile.class);

    private final Path file;
    private final FileParameterStore legacy;

    /** @param legacy the parameters file the state may still be in (null: none) */
    public SystemStateFile(Path file, FileParameterStore legacy) {
        this.file = file.toAbsolutePath();
        this.legacy = legacy;
    }

    @Override
    public synchronized Optional<String> read() {
        try {
            if (Files.exists(file)) {
                String json = Files.readString(file, StandardCharsets.UTF_8);
                return json.isBlank() ? Optional.empty() : Optional.of(json);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the system state " + file, e);
        }
        return migrate();
    }

    private Optional<String> migrate() {
        if (legacy == null) {
            return Optional.empty();
        }
        StoredParameter old = legacy.readAll().get(ParameterDefinition.SYSTEM_STATE);
        if (old == null || old.value().isBlank()) {
            return Optional.empty();
        }
        write(old.value());
        legacy.remove(ParameterDefinition.SYSTEM_STATE);
        LOG.info("System state moved from {} to {}", legacy.location(), file);
        return Optional.of(old.value());
    }

    @Override
    public synchronized void write(String json) {
        try {
            AtomicFiles.write(file, json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the system state " + file, e);
        }
    }

    @Override
    public String location() {
        return file.toString();
    }
}
