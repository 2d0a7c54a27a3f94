package io.modelloop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * ModelLoop in the local profile as a child JVM, for tests that kill it (kill -9 = {@link #kill()})
 * and start it again on the same data folder ({@link #restart()}).
 *
 * The child runs {@code io.modelloop.cli.App run} with the test's classpath and working folder (so the
 * repo's routes/ are used). Extra configuration keys are appended to a copy of the repo's config/
 * handed over with {@code --config}. Ports stay the same across restarts so clients made
 * before a kill keep working. The child's output goes to {@link #log()} under target/child-logs/.
 */
public final class ChildModelLoop implements AutoCloseable {

    public static final String BUCKET = "bucket";

    private final Path data;
    private final Path configDir;
    private final Path log;
    private final List<String> command;
    private final Duration readyTimeout;
    private final int httpPort;
    private final int managementPort;
    private final int s3Port;
    private Process process;
    private S3Client s3;

    private ChildModelLoop(Builder b) throws IOException {
        this.data = b.data.toAbsolutePath();
        this.readyTimeout = b.readyTimeout;
        this.httpPort = Fixture.freePort();
        this.managementPort = Fixture.freePort();
        this.s3Port = Fixture.freePort();
        this.configDir = Files.createTempDirectory("modelloop-child-config");
        Path logs = Files.createDirectories(Path.of("target", "child-logs").toAbsolutePath());
        this.log = logs.resolve(configDir.getFileName() + ".log");
        Path repoConfig = Path.of("config");
        try (Stream<Path> files = Files.list(repoConfig)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, configDir.resolve(f.getFileName()));
            }
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("modelloop.http.host", "127.0.0.1");
        props.put("modelloop.management.host", "127.0.0.1");
        props.put("modelloop.web.create-first-operator", "false");
        props.put("modelloop.notify.retry.delay-ms", "50");
        props.putAll(Fixture.testUsers());
        props.putAll(b.properties);
        StringBuilder extra = new StringBuilder("\n# added by ChildModelLoop\n");
        props.forEach((k, v) -> extra.append(escape(k)).append('=').append(escape(v)).append('\n'));
        Files.writeString(configDir.resolve("application-local.properties"), extra, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String p : List.of("ai.djl.offline", "DJL_CACHE_DIR")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.addAll(b.jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.modelloop.cli.App", "run",
                "--profile", "local", "--data", data.toString(), "--config", configDir.toString(),
                "--http-port", Integer.toString(httpPort), "--management-port", Integer.toString(managementPort),
                "--s3-port", Integer.toString(s3Port)));
        cmd.addAll(b.args);
        this.command = List.copyOf(cmd);
    }

    public static Builder builder(Path data) {
        return new Builder(data);
    }

    /** Starts a child with default settings on this data folder and waits until it is ready. */
    public static ChildModelLoop start(Path data) {
        return builder(data).start();
    }

    public static final class Builder {
        private final Path data;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private Duration readyTimeout = Duration.ofMinutes(3);

        private Builder(Path data) {
            this.data = data;
        }

        /** A configuration key, e.g. modelloop.poll.interval-ms. */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder properties(Map<String, String> values) {
            properties.putAll(values);
            return this;
        }

        /** An argument after {@code run --data ...}. */
        public Builder arg(String arg) {
            args.add(arg);
            return this;
        }

        /** A JVM option of the child, e.g. -Xmx512m or -Dfoo=bar. */
        public Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        /** Starts the child and waits for /observe/health/ready to answer 200. */
        public ChildModelLoop start() {
            try {
                ChildModelLoop child = new ChildModelLoop(this);
                child.launch();
                return child;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void launch() {
        try {
            process = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(managementUrl() + "/observe/health/ready"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("ModelLoop child exited with " + process.exitValue() + " before it was ready:\n" + logTail());
            }
            try {
                HttpResponse<Void> r = Fixture.HTTP.send(ready, HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException("ModelLoop child not ready after " + readyTimeout + ":\n" + logTail());
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS); // returns at once if the child dies
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** kill -9: no shutdown hook, no graceful stop. Returns once the process is gone. */
    public ChildModelLoop kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        waitGone();
        return this;
    }

    /** SIGTERM: the graceful stop an operator's Ctrl-C or Kubernetes gives. */
    public ChildModelLoop stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
        }
        waitGone();
        return this;
    }

    private void waitGone() {
        if (process == null) {
            return;
        }
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts a new child on the same data folder, configuration and ports (kill or stop first). */
    public ChildModelLoop restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the child still runs: kill() or stop() it first");
        }
        try {
            Files.writeString(log, "\n----- restart -----\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        launch();
        return this;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Business server: console, /api. */
    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Management server: /observe/health, metrics, Jolokia. */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    /** The in-process S3 store (S3Proxy, anonymous, path style); bucket {@link #BUCKET}. */
    public String s3Endpoint() {
        return "http://127.0.0.1:" + s3Port;
    }

    /** An S3 client of the child's store; it keeps working across restarts (same port). */
    public synchronized S3Client s3() {
        if (s3 == null) {
            s3 = S3Client.builder().endpointOverride(URI.create(s3Endpoint())).forcePathStyle(true)
                    .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create()).build();
        }
        return s3;
    }

    public Path dataDir() {
        return data;
    }

    /** The bucket's backing folder: files there are objects (also while the child is down). */
    public Path bucketDir() {
        return data.resolve(BUCKET);
    }

    /** The API as the test operator (HTTP basic). */
    public LoopApi api() {
        return new LoopApi(baseUrl(), Fixture.OPERATOR);
    }

    /** The API as the test reviewer. */
    public LoopApi reviewerApi() {
        return new LoopApi(baseUrl(), Fixture.REVIEWER);
    }

    public Path log() {
        return log;
    }

    /** The last lines of the child's output, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        kill();
        if (s3 != null) {
            s3.close();
        }
        try (Stream<Path> files = Files.walk(configDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("=", "\\=").replace(":", "\\:");
    }
}
