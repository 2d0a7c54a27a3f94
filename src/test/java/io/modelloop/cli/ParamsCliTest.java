package io.modelloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.parameters.FileParameterStore;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.parameters.ParameterRule;
import io.modelloop.state.SystemState;
import io.modelloop.state.SystemStateRepository;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The modelloop command line, run in-process with ./config from the working directory. */
class ParamsCliTest {

    private static final String F1 = ParameterDefinition.MINIMUM_F1_SCORE;

    @TempDir
    Path data;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = ModelLoopCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private String[] withData(String... args) {
        return Stream.concat(Stream.of(args), Stream.of("--data", data.toString())).toArray(String[]::new);
    }

    @Test
    void setRefusesAValueThatBreaksTheRule() {
        Run r = run(withData("params", "set", F1, "1.5"));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(F1, "1.5", ParameterRule.FRACTION_0_TO_1.description());
    }

    @Test
    void refusedValueLeavesTheStoredOneAlone() throws IOException {
        assertThat(run(withData("params", "set", ParameterDefinition.AUTOMATIC_TRAINING_POLL_FREQUENCY, "30")).exit()).isZero();

        for (String bad : List.of("ten", "1,000", "-3", "1.5", "0")) {
            Run r = run(withData("params", "set", ParameterDefinition.AUTOMATIC_TRAINING_POLL_FREQUENCY, bad));
            assertThat(r.exit()).as(bad).isEqualTo(1);
            assertThat(r.err()).as(bad).contains(ParameterRule.WHOLE_NUMBER_AT_LEAST_1.description());
        }
        assertThat(stored().getProperty(ParameterDefinition.AUTOMATIC_TRAINING_POLL_FREQUENCY)).isEqualTo("30");
    }

    @Test
    void setStoresAValidValue() throws IOException {
        Run r = run(withData("params", "set", F1, "0.9"));

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(stored().getProperty(F1)).isEqualTo("0.9");
        assertThat(r.out()).contains(F1, "0.9");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void setStoresBooleansInLowerCase() throws IOException {
        assertThat(run(withData("params", "set", ParameterDefinition.ENABLE_A2I_WORKFLOW, "FALSE")).exit()).isZero();
        assertThat(stored().getProperty(ParameterDefinition.ENABLE_A2I_WORKFLOW)).isEqualTo("false");
    }

    @Test
    void setRefusesTheSystemStateAndUnknownNames() throws IOException {
        var repo = new SystemStateRepository(new FileParameterStore(data.resolve("parameters.properties")), Clock.systemUTC());
        SystemState written = repo.update(s -> s.withRunningModelVersion("v2").withTrainedImageCount(40));
        // the state lives in a file of its own, not in the parameters file
        String before = Files.readString(data.resolve("system-state.json"));

        Run state = run(withData("params", "set", ParameterDefinition.SYSTEM_STATE, "{\"runningModelVersion\":\"x\"}"));
        assertThat(state.exit()).isEqualTo(1);
        assertThat(state.err()).contains(ParameterDefinition.SYSTEM_STATE);

        Run unknown = run(withData("params", "set", "Minimum-F2-Score", "0.5"));
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("Minimum-F2-Score", "unknown parameter");

        assertThat(Files.readString(data.resolve("system-state.json"))).isEqualTo(before);
        assertThat(repo.load()).isEqualTo(written);
    }

    @Test
    void listPrintsAllTenWithTheirDefaults() {
        Run r = run(withData("params", "list"));

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        for (ParameterDefinition d : ParameterDefinition.ALL) {
            assertThat(lines).as(d.name()).anySatisfy(l -> assertThat(l.split("\\s+"))
                    .startsWith(d.name(), d.defaultValue(), d.defaultValue()));
        }
        assertThat(r.out()).contains(data.resolve("parameters.properties").toString());
    }

    @Test
    void listShowsStoredValuesBesideDefaults() {
        run(withData("params", "set", F1, "0.9"));

        Run r = run(withData("params", "list"));

        assertThat(r.out().lines()).anySatisfy(l -> assertThat(l.split("\\s+")).startsWith(F1, "0.9", "0.8"));
    }

    @Test
    void getPrintsTheStoredValueOrTheDefault() {
        Run before = run(withData("params", "get", F1));
        assertThat(before.exit()).isZero();
        assertThat(before.out().trim()).isEqualTo("0.8");

        run(withData("params", "set", F1, "0.65"));
        Run after = run(withData("params", "get", F1));
        assertThat(after.exit()).isZero();
        assertThat(after.out().trim()).isEqualTo("0.65");

        Run unknown = run(withData("params", "get", "Nope"));
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("Nope");
    }

    @Test
    void optionsBeforeTheSubCommandApplyToo() throws IOException {
        Run r = run("--data", data.toString(), "params", "set", F1, "0.7");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(stored().getProperty(F1)).isEqualTo("0.7");
    }

    @Test
    void helpExitsZeroAndNamesTheSubCommands() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("run", "params", "status", "Usage: modelloop");

        Run params = run("params", "--help");
        assertThat(params.exit()).isZero();
        assertThat(params.out()).contains("list", "get", "set");
    }

    @Test
    void unknownOptionExitsTwoWithAMessage() {
        Run r = run("params", "list", "--frobnicate");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--frobnicate");
    }

    @Test
    void unknownSubCommandExitsTwoWithAMessage() {
        Run top = run("frobnicate");
        assertThat(top.exit()).isEqualTo(2);
        assertThat(top.err()).contains("frobnicate");

        Run params = run("params", "frobnicate");
        assertThat(params.exit()).isEqualTo(2);
        assertThat(params.err()).contains("frobnicate");
    }

    @Test
    void missingArgumentsExitTwo() {
        Run r = run("params", "set", F1);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("VALUE");
    }

    @Test
    void unknownProfileFailsNamingTheValidOnes() {
        Run r = run(withData("--profile", "nope", "params", "list"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("nope", "local", "aws");
        assertThat(r.out()).isEmpty();

        Run after = run(withData("params", "list", "--profile", "nope"));
        assertThat(after.exit()).isEqualTo(1);
        assertThat(after.err()).contains("nope", "local", "aws");
    }

    private Properties stored() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(data.resolve("parameters.properties"), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }
}
