package io.modelloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * bench/lib/summarize.py (what bench/lib/interleave.sh calls after the runs) on fixed run logs:
 * which lines count as RESULT lines, the median [min-max] and spread per scenario and metric, the
 * too-noisy flag (spread above the threshold, load average above the cores before a run), and
 * that summary.svg is well-formed XML with no script. Runs {@code python3} from the PATH.
 * (In this package, not io.modelloop.bench: Surefire leaves out the benchmarks under bench/.)
 */
class BenchSummaryTest {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void mediansSpreadAndTheNoisyFlag() throws Exception {
        folder(List.of("steady", "jumpy", "loaded"), new String[][] {
                // round, scenario, load before, stdout
                {"1", "steady", "0.40", out("steady", "ready", "7.0", "cpu", "10") + "RESULT scenario=steady metric=ready value=abc unit=s\n"},
                {"1", "jumpy", "0.50", out("jumpy", "ready", "5.0")},
                {"1", "loaded", "0.60", out("loaded", "ready", "3.1", "cpu", "4")},
                {"2", "jumpy", "0.70", out("jumpy", "ready", "8.0")
                        + "  RESULT scenario=jumpy metric=ready value=99 unit=s\nRESULT scenario=jumpy metric=ready value=99 unit=s trailing\n"},
                {"2", "loaded", "2.50", out("loaded", "ready", "3.0")},
                {"2", "steady", "0.80", out("steady", "ready", "7.4", "cpu", "11")},
                {"3", "loaded", "0.90", out("loaded", "ready", "3.2", "cpu", "6")},
                {"3", "steady", "1.00", "log line\n" + out("steady", "ready", "7.2", "cpu", "12")},
                {"3", "jumpy", "1.10", out("jumpy", "ready", "6.0")},
        });

        JsonNode doc = summarize();

        assertThat(doc.path("commit").asText()).isEqualTo("abc1234");
        assertThat(doc.path("command").asText()).isEqualTo("bench/selftest.sh 3");
        JsonNode steadyReady = result(doc, "steady", "ready");
        assertThat(steadyReady.path("median").asDouble()).isEqualTo(7.2);
        assertThat(steadyReady.path("min").asDouble()).isEqualTo(7.0);
        assertThat(steadyReady.path("max").asDouble()).isEqualTo(7.4); // not the malformed 99s
        assertThat(steadyReady.path("n").asInt()).isEqualTo(3);
        assertThat(steadyReady.path("spread").asDouble()).isCloseTo(0.4 / 7.2, within(1e-9));
        assertThat(steadyReady.path("unit").asText()).isEqualTo("s");
        assertThat(steadyReady.path("noisy").asBoolean()).as(steadyReady.toString()).isFalse();
        assertThat(result(doc, "steady", "cpu").path("median").asDouble()).isEqualTo(11.0);
        assertThat(result(doc, "steady", "cpu").path("noisy").asBoolean()).isFalse();

        JsonNode jumpy = result(doc, "jumpy", "ready");
        assertThat(jumpy.path("median").asDouble()).isEqualTo(6.0);
        assertThat(jumpy.path("max").asDouble()).isEqualTo(8.0);
        assertThat(jumpy.path("n").asInt()).isEqualTo(3);
        assertThat(jumpy.path("noisy").asBoolean()).isTrue();
        assertThat(jumpy.path("reasons").toString()).contains("spread 50 %");

        JsonNode loaded = result(doc, "loaded", "ready");
        assertThat(loaded.path("median").asDouble()).isEqualTo(3.1);
        assertThat(loaded.path("noisy").asBoolean()).isTrue();
        assertThat(loaded.path("reasons").toString()).contains("load average 2.50").doesNotContain("spread");
        JsonNode loadedCpu = result(doc, "loaded", "cpu"); // printed by two of the three runs: median of an even count
        assertThat(loadedCpu.path("n").asInt()).isEqualTo(2);
        assertThat(loadedCpu.path("median").asDouble()).isEqualTo(5.0);

        assertThat(doc.path("results")).hasSize(5);
        assertThat(doc.path("rejected_lines")).hasSize(2);
        assertThat(doc.path("noisy").asBoolean()).isTrue();
        assertThat(doc.path("failed").asBoolean()).isFalse();
        assertThat(doc.path("verdict").asText()).startsWith("TOO NOISY").contains("jumpy ready (50 %)").contains("2.50");
        assertThat(doc.path("load_average_1min").path("before").path("max").asDouble()).isEqualTo(2.5);

        String md = Files.readString(dir.resolve("summary.md"));
        assertThat(md).contains("| scenario | ready (s) | cpu (s) | n |")
                .contains("| steady | 7.20 [7.00-7.40] | 11.0 [10.0-12.0] | 3 |")
                .contains("| jumpy | 6.00 [5.00-8.00] **noisy** | - | 3 |")
                .contains("Verdict: TOO NOISY");

        Document svg = svg();
        assertThat(svg.getElementsByTagName("circle").getLength()).as("one dot per value").isEqualTo(14);
        assertThat(svg.getElementsByTagName("rect").getLength()).as("background and one bar per figure").isEqualTo(6);
        assertThat(Files.readString(dir.resolve("summary.svg"))).contains("noisy").contains("abc1234").contains("TOO NOISY");
    }

    @Test
    void quietRunsAreOk() throws Exception {
        folder(List.of("a", "b"), new String[][] {
                {"1", "a", "0.10", out("a", "throughput", "100")},
                {"1", "b", "0.20", out("b", "throughput", "200")},
                {"2", "b", "0.30", out("b", "throughput", "210")},
                {"2", "a", "0.40", out("a", "throughput", "110")},
        });

        JsonNode doc = summarize();

        assertThat(result(doc, "a", "throughput").path("median").asDouble()).isEqualTo(105.0);
        assertThat(result(doc, "b", "throughput").path("median").asDouble()).isEqualTo(205.0);
        assertThat(doc.path("noisy").asBoolean()).isFalse();
        assertThat(doc.path("verdict").asText()).startsWith("OK");
        assertThat(Files.readString(dir.resolve("summary.md"))).contains("| a | 105 [100-110] | 2 |");
        assertThat(svg().getDocumentElement().getLocalName()).isEqualTo("svg");
    }

    static String out(String scenario, String... metricValues) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < metricValues.length; i += 2) {
            b.append("RESULT scenario=").append(scenario).append(" metric=").append(metricValues[i]).append(" value=")
                    .append(metricValues[i + 1]).append(" unit=s\n");
        }
        return b.toString();
    }

    /** A results folder as bench/lib/interleave.sh writes it: meta.tsv, scenarios.tsv, runs.tsv, runs/*.out. */
    void folder(List<String> scenarios, String[][] runs) throws IOException {
        Files.createDirectories(dir.resolve("runs"));
        Files.writeString(dir.resolve("meta.tsv"), String.join("\n", "benchmark\tselftest", "command\tbench/selftest.sh 3",
                "commit\tabc1234", "dirty\t0", "started\t2026-12-04T03:00:00Z", "nproc\t2", "rounds\t3", "threshold\t0.25",
                "settle\t0", "finished\t2026-12-04T03:10:00Z") + "\n");
        List<String> sc = new ArrayList<>();
        scenarios.forEach(s -> sc.add(s + "\tbench/selftest-run.sh " + s));
        Files.write(dir.resolve("scenarios.tsv"), sc);
        List<String> rows = new ArrayList<>();
        rows.add("seq\tround\tscenario\texit\tseconds\tsettled\tbefore1\tbefore5\tbefore15\tafter1\tafter5\tafter15\tout");
        for (int i = 0; i < runs.length; i++) {
            String file = String.format("runs/%02d-%s.out", i + 1, runs[i][1]);
            Files.writeString(dir.resolve(file), runs[i][3]);
            rows.add(String.join("\t", Integer.toString(i + 1), runs[i][0], runs[i][1], "0", "1.5", "0", runs[i][2], "0.5", "0.5",
                    "1.5", "0.6", "0.5", file));
        }
        Files.write(dir.resolve("runs.tsv"), rows);
    }

    JsonNode summarize() throws Exception {
        Process p = new ProcessBuilder("python3", ROOT.resolve("bench/lib/summarize.py").toString(), dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("summarize.py finished").isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("Verdict:");
        return JSON.readTree(dir.resolve("results.json").toFile());
    }

    static JsonNode result(JsonNode doc, String scenario, String metric) {
        for (JsonNode r : doc.path("results")) {
            if (r.path("scenario").asText().equals(scenario) && r.path("metric").asText().equals(metric)) {
                return r;
            }
        }
        throw new AssertionError("no result for " + scenario + " " + metric + " in " + doc.path("results"));
    }

    Document svg() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document d = f.newDocumentBuilder().parse(dir.resolve("summary.svg").toFile());
        assertThat(d.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        assertThat(d.getElementsByTagName("script").getLength()).isZero();
        assertThat(d.getElementsByTagName("image").getLength()).as("nothing external").isZero();
        return d;
    }
}
