package io.modelloop.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.cli.ModelLoopCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `replay` end to end on a tiny generated dataset: the real loop in process, the simulated
 * reviewer on the review API, two batches, the confidence and random policies, one seed.
 */
class ReplayEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void replaysATinyDatasetAndWritesTheReport() throws Exception {
        // a folder name HTML must escape: it is printed in the report
        Path data = dir.resolve("shapes<&>");
        ExampleDataset.write(data, 3, 14, 20);
        Path work = dir.resolve("work");
        Path out = dir.resolve("out");
        StringWriter err = new StringWriter();
        var cl = ModelLoopCommand.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("replay", "--dataset", data.toString(), "--seed-labels", "red-circle,blue-square",
                "--seed-per-label", "5", "--test-share", "0.25", "--stream", "20", "--batch", "10",
                "--policy", "random,confidence", "--seeds", "1",
                "--param", "Minimum-F1-Score=0", "--param", "Minimum-Untrained-Images=1",
                "--param", "Minimum-Label-Detection-Confidence=90",
                "--set", "modelloop.builtin.epochs=3", "--set", "modelloop.builtin.image-size=16",
                // two held-out images per label: the champion/challenger comparison would be a coin toss (it has its own tests)
                "--set", "modelloop.training.challenger-tolerance=1",
                "--out", out.toString(), "--work-dir", work.toString());
        assertThat(code).as(err.toString()).isZero();

        JsonNode json = new ObjectMapper().readTree(out.resolve("replay.json").toFile());
        assertThat(json.path("labels")).hasSize(3);
        assertThat(json.path("testImages").asInt()).isEqualTo(12);
        JsonNode runs = json.path("runs");
        assertThat(runs).hasSize(2);
        // confidence runs first, since random takes its label counts from it
        JsonNode confidence = runs.get(0);
        JsonNode random = runs.get(1);
        assertThat(confidence.path("policy").asText()).isEqualTo("confidence");
        assertThat(random.path("policy").asText()).isEqualTo("random");
        for (JsonNode run : runs) {
            JsonNode points = run.path("points");
            assertThat(points).as("the seed training and one point per batch").hasSize(3);
            for (int b = 0; b < 3; b++) {
                assertThat(points.get(b).path("batch").asInt()).isEqualTo(b);
                assertThat(points.get(b).path("macroF1").asDouble()).isBetween(0.0, 1.0);
                assertThat(points.get(b).path("training").asText()).isIn("deployed", "refused", "failed", "not-trained");
            }
            assertThat(points.get(0).path("training").asText()).as(points.get(0).toString()).isEqualTo("deployed");
            assertThat(points.get(2).path("humanLabels").asInt())
                    .isEqualTo(points.get(1).path("labelled").asInt() + points.get(2).path("labelled").asInt());
            assertThat(run.path("confusion").size()).isEqualTo(3);
        }
        // a label that only the stream has was reviewed, labelled and learnt under the confidence policy
        JsonNode last = confidence.path("points").get(2);
        assertThat(last.path("discovered").toString()).as(confidence.toString()).contains("green-triangle");
        assertThat(last.path("knownLabels").size()).isEqualTo(3);
        // random labels as many images per batch as confidence did, out of every image of the batch
        for (int b = 1; b < 3; b++) {
            assertThat(random.path("points").get(b).path("labelled").asInt())
                    .isEqualTo(confidence.path("points").get(b).path("labelled").asInt());
            // threshold 100: (nearly) every image of the batch gets a loop
            assertThat(random.path("points").get(b).path("reviewed").asInt())
                    .isGreaterThanOrEqualTo(random.path("points").get(b).path("labelled").asInt()).isGreaterThan(5);
        }
        assertThat(json.path("summary").path("confidence").has("finalF1Mean")).isTrue();
        assertThat(json.path("summary").path("confidence").has("labelsToReachRandomFinalF1Mean")).isTrue();

        String html = Files.readString(out.resolve("replay.html"));
        assertThat(html).contains("<svg").contains("shapes&lt;&amp;&gt;").doesNotContain("shapes<&>")
                .contains("green-triangle").doesNotContain("<script").doesNotContain("<link").doesNotContain("src=");
        assertThat(err.toString()).contains("[confidence seed 1] batch 2/2").contains("known ");
        try (Stream<Path> s = Files.list(work)) {
            assertThat(s.toList()).as("temporary data folders are deleted").isEmpty();
        }
    }
}
