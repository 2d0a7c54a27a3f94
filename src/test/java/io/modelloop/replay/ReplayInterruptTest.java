package io.modelloop.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGTERM) while `replay` runs a batch: the child JVM exits, its loop's ports are closed,
 * its temporary data folder is gone, and nothing was written to a data/ folder of the working dir.
 */
class ReplayInterruptTest {

    private static final Pattern PORT = Pattern.compile("http://(?:localhost|127\\.0\\.0\\.1):(\\d+)");

    @TempDir
    Path dir;

    @Test
    void sigtermWhileABatchRunsLeavesNothingBehind() throws Exception {
        Path dataset = dir.resolve("dataset");
        ExampleDataset.write(dataset, 3, 40, 20);
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        Path work = dir.resolve("work");
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String p : List.of("ai.djl.offline", "DJL_CACHE_DIR")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.modelloop.cli.App", "replay",
                "--dataset", dataset.toString(), "--seed-labels", "red-circle,blue-square", "--seed-per-label", "5",
                "--stream", "80", "--batch", "20", "--param", "Minimum-F1-Score=0", "--param", "Minimum-Untrained-Images=1",
                "--set", "modelloop.builtin.epochs=3", "--set", "modelloop.builtin.image-size=16",
                "--work-dir", work.toString(), "--out", dir.resolve("out").toString()));
        Process child = new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !child.isAlive() || read(stderr).contains("] batch 1/"));
            assertThat(child.isAlive()).as(read(stderr)).isTrue();
            Set<Integer> ports = ports(read(stdout));
            assertThat(ports).as(read(stdout)).hasSizeGreaterThanOrEqualTo(3);
            assertThat(listening(ports)).as("the loop serves while the batch runs").isNotEmpty();

            child.destroy(); // SIGTERM, what Ctrl-C's SIGINT does too: the JVM runs its shutdown hooks
            assertThat(child.waitFor(90, TimeUnit.SECONDS)).as("the child exits").isTrue();

            assertThat(read(stderr)).contains("interrupted; stopping the loop and deleting");
            assertThat(listening(ports)).as("no port of the child is left listening").isEmpty();
            try (Stream<Path> s = Files.list(work)) {
                assertThat(s.toList()).as("the temporary data folder is deleted").isEmpty();
            }
            assertThat(cwd.resolve("data")).doesNotExist();
        } finally {
            child.destroyForcibly();
        }
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    private static Set<Integer> ports(String stdout) {
        Set<Integer> ports = new LinkedHashSet<>();
        Matcher m = PORT.matcher(stdout);
        while (m.find()) {
            ports.add(Integer.parseInt(m.group(1)));
        }
        return ports;
    }

    private static List<Integer> listening(Set<Integer> ports) {
        List<Integer> open = new ArrayList<>();
        for (int port : ports) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                open.add(port);
            } catch (IOException e) {
                // refused: nothing listens there
            }
        }
        return open;
    }
}
