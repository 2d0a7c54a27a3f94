package io.modelloop.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void replacesTheFileAndLeavesNoTemporaryFileBehind() throws Exception {
        Path target = dir.resolve("sub/state.json");
        AtomicFiles.write(target, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(target, "{\"a\":2}".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(target)).isEqualTo("{\"a\":2}");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void aReaderNeverSeesAPartialOrEmptyFile() throws Exception {
        Path target = dir.resolve("state.json");
        byte[] a = "A".repeat(200_000).getBytes(StandardCharsets.UTF_8);
        byte[] b = "B".repeat(300_000).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(target, a);
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < 200; i++) {
                    AtomicFiles.write(target, i % 2 == 0 ? b : a);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        while (writer.isAlive()) {
            String seen = Files.readString(target);
            assertThat(seen.length()).isIn(a.length, b.length);
            assertThat(seen.chars().distinct().count()).isEqualTo(1);
        }
        writer.join();
    }
}
