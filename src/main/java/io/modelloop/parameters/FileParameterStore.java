package io.modelloop.parameters;

import java.io.IOException;
import java.io.StringReader;
import io.modelloop.storage.AtomicFiles;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** Where the system state lives: a file of its own beside this one, never in it. */
    public Path systemStateFile() {
        return file.resolveSibling("system-state.json");
    }

    /** Removes one key (the system state moved out of this file). */
    public void remove(String name) {
        locked(() -> {
            Map<String, String> current = read();
            if (current.remove(name) != null) {
                save(current);
            }
        });
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
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read parameters file " + file, e);
        }
        Properties props = new Properties();
        try {
            props.load(new StringReader(text));
            props.forEach((k, v) -> out.put(k.toString(), v.toString()));
        } catch (IllegalArgumentException | IOException malformed) {
            // one undecodable escape (backslash-u and no hex digits) must not make every parameter unreadable: read line by line
            out.putAll(readLeniently(text));
        }
        return out;
    }

    /**
     * Each logical line on its own; a line Properties cannot decode keeps its value as typed, so
     * the parameter service refuses that one value (one ParameterRejected) and the rest apply.
     */
    static Map<String, String> readLeniently(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        StringBuilder logical = new StringBuilder();
        for (String line : text.split("\\r?\\n|\\r", -1)) {
            logical.append(line).append('\n');
            if (endsWithOddBackslashes(line)) {
                continue; // continued on the next line
            }
            String entry = logical.toString();
            logical.setLength(0);
            String trimmed = entry.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
                continue;
            }
            Properties one = new Properties();
            try {
                one.load(new StringReader(entry));
                one.forEach((k, v) -> out.put(k.toString(), v.toString()));
            } catch (IllegalArgumentException | IOException e) {
                int sep = separator(trimmed);
                String key = sep < 0 ? trimmed : trimmed.substring(0, sep).strip();
                String value = sep < 0 ? "" : trimmed.substring(sep + 1).strip();
                out.put(key, value);
            }
        }
        return out;
    }

    private static boolean endsWithOddBackslashes(String line) {
        int n = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            n++;
        }
        return n % 2 == 1;
    }

    private static int separator(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '=' || c == ':' || Character.isWhitespace(c)) {
                return i;
            }
        }
        return -1;
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
            AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
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
