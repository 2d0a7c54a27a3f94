package io.modelloop.web;

import io.modelloop.config.Settings;
import io.modelloop.storage.AtomicFiles;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the instance using a data folder listens, written to {@code <data>/web/endpoint} once it has
 * started. The CLI sends that folder's token only there: a default or configured port may belong to
 * another process (another instance, or anything that took the port), which would receive the token.
 */
public record InstanceEndpoint(String http, String management) {

    public static Path file(Path dataDir) {
        return dataDir.resolve("web").resolve("endpoint");
    }

    /** The URLs this instance's settings give, with a wildcard bind address reached on loopback. */
    public static InstanceEndpoint of(Settings s) {
        return new InstanceEndpoint(url(s.get("modelloop.http.host"), s.get("modelloop.http.port")),
                url(s.get("modelloop.management.host"), s.get("modelloop.management.port")));
    }

    private static String url(String host, String port) {
        String h = host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")
                ? "127.0.0.1" : host.strip();
        if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        return "http://" + h + ":" + port.strip();
    }

    /** Replaces the file whole, so a CLI never reads half of it. */
    public void write(Path dataDir) throws IOException {
        AtomicFiles.write(file(dataDir), ("# where the ModelLoop using this data folder listens (rewritten at each start)\n"
                + "http=" + http + "\nmanagement=" + management + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Removes the file if it still names this endpoint (a newer instance may have replaced it). */
    public void removeIfOurs(Path dataDir) {
        try {
            if (this.equals(read(dataDir))) {
                Files.deleteIfExists(file(dataDir));
            }
        } catch (IOException | IllegalStateException e) {
            // nothing to remove
        }
    }

    public static void removeStale(Path dataDir) throws IOException {
        Files.deleteIfExists(file(dataDir));
    }

    /** @throws IllegalStateException with a message for the CLI user when no instance wrote the file */
    public static InstanceEndpoint read(Path dataDir) throws IOException {
        Path f = file(dataDir);
        if (!Files.isRegularFile(f)) {
            throw new IllegalStateException("no ModelLoop is running with the data folder " + dataDir.toAbsolutePath()
                    + " (" + f.toAbsolutePath() + " is missing): start it with `java -jar modelloop.jar --data "
                    + dataDir + "`, or give the --data of the instance you mean");
        }
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(f)));
        String http = p.getProperty("http", "").strip();
        String management = p.getProperty("management", "").strip();
        if (!http.startsWith("http://") || !management.startsWith("http://")) {
            throw new IllegalStateException(f.toAbsolutePath() + " does not name the instance's http and management URLs;"
                    + " restart the instance to rewrite it");
        }
        return new InstanceEndpoint(http, management);
    }

    /** For CLI commands: the endpoint, or empty after telling the user on {@code err} why there is none. */
    public static Optional<InstanceEndpoint> find(Path dataDir, PrintWriter err) throws IOException {
        try {
            return Optional.of(read(dataDir));
        } catch (IllegalStateException e) {
            err.println("modelloop: " + e.getMessage());
            return Optional.empty();
        }
    }
}
