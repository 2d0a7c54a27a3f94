package io.modelloop.trigger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The object versions the polling trigger handed off successfully, kept in an append-only file
 * (one URL-encoded idempotency key per line) so that a restart does not hand them off again.
 * A line lost in a crash only means that version is handed off once more, which the detection
 * route's idempotency absorbs. Entries of objects no longer listed are dropped by
 * {@link #retainOnly(Collection)} (the file is rewritten and atomically replaced).
 */
final class HandOffLedger {

    private final Path file;
    private final Set<String> keys = new HashSet<>();

    HandOffLedger(Path file) {
        this.file = file;
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        keys.add(URLDecoder.decode(line.trim(), StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the polling ledger " + file, e);
        }
    }

    synchronized boolean contains(String key) {
        return keys.contains(key);
    }

    synchronized int size() {
        return keys.size();
    }

    synchronized void record(String key) throws IOException {
        if (keys.add(key)) {
            // opened per write: nothing stays open between ticks or after the route stops
            Files.writeString(file, URLEncoder.encode(key, StandardCharsets.UTF_8) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    /** Forgets every key not in {@code present}; rewrites the file when that removed something. */
    synchronized int retainOnly(Collection<String> present) throws IOException {
        int before = keys.size();
        keys.retainAll(present instanceof Set<?> ? present : Set.copyOf(present));
        int removed = before - keys.size();
        if (removed > 0) {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            List<String> lines = keys.stream().map(k -> URLEncoder.encode(k, StandardCharsets.UTF_8)).sorted().toList();
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return removed;
    }

}
