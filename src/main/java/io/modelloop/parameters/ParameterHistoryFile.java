package io.modelloop.parameters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The value history of a file parameter store: one JSON line per change, appended beside the
 * parameters file (parameters.history.jsonl). Callers serialise appends (the store's lock).
 * The file keeps the last {@link #KEEP} entries; it is trimmed only once it is a fifth over,
 * so a long-lived file is not rewritten on every append.
 */
final class ParameterHistoryFile {

    static final int KEEP = 1000;
    private static final int TRIM_AT = KEEP + KEEP / 5;
    private static final ObjectMapper JSON = io.modelloop.config.Json.MAPPER;

    /** One line of the file. */
    record Line(String parameter, String value, Instant changedAt, String changedBy, String source) {
        ParameterHistoryEntry entry() {
            return new ParameterHistoryEntry(value, changedAt, changedBy, source);
        }
    }

    private final Path file;

    ParameterHistoryFile(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /**
     * Appends the entry unless the parameter's last entry already has this value: the CLI and
     * the API record their own writes, and the poll that sees the same value afterwards must not
     * record it again as a hand edit.
     */
    void append(String parameter, ParameterHistoryEntry entry) {
        List<Line> lines = readAll();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).parameter().equals(parameter)) {
                if (lines.get(i).value().equals(entry.value())) {
                    return;
                }
                break;
            }
        }
        Line line = new Line(parameter, entry.value(), entry.changedAt(), entry.changedBy(), entry.source());
        try {
            Files.createDirectories(file.getParent());
            if (lines.size() + 1 > TRIM_AT) {
                lines.add(line);
                rewrite(lines.subList(lines.size() - KEEP, lines.size()));
            } else {
                Files.writeString(file, JSON.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write parameter history " + file, e);
        }
    }

    /** The parameter's entries, newest first, at most limit. */
    List<ParameterHistoryEntry> newestFirst(String parameter, int limit) {
        List<Line> lines = readAll();
        List<ParameterHistoryEntry> out = new ArrayList<>();
        for (int i = lines.size() - 1; i >= 0 && out.size() < limit; i--) {
            if (lines.get(i).parameter().equals(parameter)) {
                out.add(lines.get(i).entry());
            }
        }
        return out;
    }

    private List<Line> readAll() {
        List<Line> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Line line = parse(text);
                if (line != null) {
                    out.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read parameter history " + file, e);
        }
        return out;
    }

    /** A line, or null for a blank or damaged one (a hand-edited or half-written file must not break the history). */
    private static Line parse(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            Line line = JSON.readValue(text, Line.class);
            return line.parameter() == null || line.value() == null ? null : line;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private void rewrite(List<Line> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Line l : lines) {
            text.append(JSON.writeValueAsString(l)).append('\n');
        }
        Path tmp = Files.createTempFile(file.getParent(), ".parameters-history", ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
