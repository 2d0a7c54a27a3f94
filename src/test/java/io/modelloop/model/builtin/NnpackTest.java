package io.modelloop.model.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * libtorch logs "Could not initialize NNPACK! Reason: Unsupported hardware." for every
 * convolution on CPUs NNPACK does not support (thousands of lines per training). The built-in
 * model switches NNPACK off; -Dmodelloop.builtin.nnpack=true keeps it. Trains in a child JVM so
 * that libtorch's own (native) log is what is checked.
 */
class NnpackTest {

    @Test
    void aTrainingRunsWithNnpackOffAndLogsNothingAboutIt() throws Exception {
        String log = train();
        assertThat(log).contains("epoch 2/2").contains("NNPACK enabled: false").doesNotContain("Could not initialize NNPACK");
    }

    @Test
    void anOperatorCanKeepNnpack() throws Exception {
        assertThat(train("-Dmodelloop.builtin.nnpack=true")).contains("epoch 2/2").contains("NNPACK enabled: true");
    }

    private static String train(String... options) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(List.of(options));
        command.add(NnpackProbe.class.getName());
        command.add(new File("target").getAbsolutePath());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
