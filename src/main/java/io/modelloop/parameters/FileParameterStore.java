package io.modelloop.parameters;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Parameters in a properties file (local profile), shared by the running service and the CLI.
 * Writes hold a lock file and replace the file atomically, so a reader never sees half a file
 * and two writers never lose each other's change.
 */
public final class FileParameterStore implements ParameterStore {

    private final Path file;
    private final Path lockFile;
    private final ParameterHistoryFile history;

    public FileParameterStore(Path file) {
        this.file = file.toAbsolutePath();
        this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
        String base = this.file.getFileName().toString().replaceFirst("\\.properties$", "");
        this.history = new ParameterHistoryFile(this.file.resolveSibling(base + ".history.jsonl"));
    }

    /** The JSON-lines value history beside the parameters file. */
    public Path historyFile() {
        return history.file();
    }

    @Override
    public java.util.List<ParameterHistoryEntry> history(String name, int limit) {
        return history.newestFirst(name, limit);
    }

    @Override
    public void recordChange(String name, ParameterHistoryEntry entry) {
        // the same lock as the parameters file: the CLI and the service append to one history
        locked(() -> history.append(name, entry));
    }

    @Override
    public Map<String, StoredParameter> readAll() {
        Map<String, StoredParameter> out = new TreeMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            long revision = Files.getLastModifiedTime(file).toMillis();
            read().forEach((k, v) -> out.put(k, new StoredParameter(k, v, revision)));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read parameters file " + file, e);
        }
    }

    @Override
    public void write(String name, String value) {
        writeAll(Map.of(name, value));
    }

    @Override
    public java.util.List<String> createMissing(Map<String, String> defaults) {
        java.util.List<String> created = new java.util.ArrayList<>();
        locked(() -> {
            Map<String, String> current = read();
            defaults.forEach((k, v) -> {
                if (!current.containsKey(k)) {
                    current.put(k, v);
                    created.add(k);
                }
            });
            if (!created.isEmpty()) {
                save(current);
            }
        });
        return created;
    }

    private void writeAll(Map<String, String> changes) {
        locked(() -> {
            Map<String, String> current = read();
            current.putAll(changes);
            save(current);
        });
    }

    @Override
    public String location() {
        return file.toString();
    }

    private Map<String, String> read() {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read parameters file " + file, e);
        }
        props.forEach((k, v) -> out.put(k.toString(), v.toString()));
        return out;
    }

    private void save(Map<String, String> values) {
        StringBuilder text = new StringBuilder();
        text.append("# ModelLoop parameters. Edit a value and save: the running service checks it,\n")
            .append("# applies it and notifies; an invalid value is refused and the last valid one stays.\n\n");
        Map<String, String> rest = new TreeMap<>(values);
        for (ParameterDefinition d : ParameterDefinition.ALL) {
            if (rest.containsKey(d.name())) {
                text.append("# ").append(d.meaning()).append(" (").append(d.rule().description())
                    .append("; default ").append(d.defaultValue()).append(")\n");
                text.append(line(d.name(), rest.remove(d.name()))).append("\n\n");
            }
        }
        Map<String, String> machine = new TreeMap<>();
        rest.keySet().removeIf(k -> {
            if (k.startsWith(ParameterDefinition.SYSTEM_STATE)) {
                machine.put(k, rest.get(k));
                return true;
            }
            return false;
        });
        rest.forEach((k, v) -> text.append(line(k, v)).append('\n'));
        if (!machine.isEmpty()) {
            text.append("# System state: written by ModelLoop, do not edit.\n");
            machine.forEach((k, v) -> text.append(line(k, v)).append('\n'));
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".parameters", ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write parameters file " + file, e);
        }
    }

    /** One key=value line in the escaping Properties.load understands. */
    private static String line(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        java.io.StringWriter w = new java.io.StringWriter();
        try {
            p.store(w, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString().lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
    }

    private void locked(Runnable action) {
        // a file lock excludes other processes (the CLI); threads of this JVM queue on the
        // in-process lock first, since a second FileChannel.lock in one JVM throws instead of waiting
        ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        inProcess.lock();
        try {
            Files.createDirectories(lockFile.getParent());
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                action.run();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot lock parameters file " + lockFile, e);
        } finally {
            inProcess.unlock();
        }
    }

    private static final java.util.concurrent.ConcurrentMap<Path, ReentrantLock> IN_PROCESS =
            new java.util.concurrent.ConcurrentHashMap<>();
}
