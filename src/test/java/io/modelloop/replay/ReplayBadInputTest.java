package io.modelloop.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.cli.ModelLoopCommand;
import java.io.IOException;
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
 * Bad input stops `replay` before any loop starts, exit code 2, with one clear message per problem
 * (all of them at once); unreadable files are skipped and counted instead.
 */
class ReplayBadInputTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int replay(String... args) {
        var cl = ModelLoopCommand.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("replay", "--work-dir", dir.resolve("work").toString(),
                "--out", dir.resolve("out").toString()));
        all.addAll(List.of(args));
        return cl.execute(all.toArray(String[]::new));
    }

    private Path dataset(int labels, int perLabel) throws IOException {
        Path d = dir.resolve("data");
        ExampleDataset.write(d, labels, perLabel, 16);
        return d;
    }

    /** Nothing was started: no temporary data folder, no report. */
    private void nothingStarted() throws IOException {
        Path work = dir.resolve("work");
        if (Files.exists(work)) {
            try (Stream<Path> s = Files.list(work)) {
                assertThat(s.toList()).isEmpty();
            }
        }
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void oneLabelOnly() throws Exception {
        Path d = dataset(2, 12);
        deleteTree(d.resolve("blue-square"));
        assertThat(replay("--dataset", d.toString(), "--seed-per-label", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("the dataset has only one label ('red-circle'): a replay needs at least two");
        nothingStarted();
    }

    @Test
    void anEmptyLabelFolder() throws Exception {
        Path d = dataset(3, 12);
        Files.createDirectories(d.resolve("empty-label"));
        assertThat(replay("--dataset", d.toString(), "--seed-per-label", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("label folder 'empty-label' in the dataset has no readable images");
        nothingStarted();
    }

    @Test
    void labelFoldersThatBreakTheLabelRule() throws Exception {
        Path d = dataset(2, 12);
        Files.move(d.resolve("blue-square"), d.resolve("blue square!"));
        Files.createDirectories(d.resolve("None of the Above"));
        Files.copy(d.resolve("red-circle").resolve("red-circle-000.png"), d.resolve("None of the Above").resolve("x.png"));
        assertThat(replay("--dataset", d.toString(), "--seed-per-label", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("label folder 'blue square!' in the dataset breaks the label rule")
                .contains("label folder 'None of the Above' in the dataset breaks the label rule")
                .contains("starts with a letter or digit");
        nothingStarted();
    }

    @Test
    void aDatasetSmallerThanTheSeedAndTestSets() throws Exception {
        Path d = dataset(3, 10);
        assertThat(replay("--dataset", d.toString(), "--seed-per-label", "9", "--test-share", "0.2")).isEqualTo(2);
        assertThat(err.toString()).contains("label 'red-circle' has 10 image(s), fewer than the requested 9 seed image(s)"
                + " plus 2 held-out test image(s)");
        nothingStarted();
    }

    @Test
    void aDatasetThatLeavesNothingForTheStream() throws Exception {
        Path d = dataset(2, 10);
        assertThat(replay("--dataset", d.toString(), "--seed-per-label", "8", "--test-share", "0.2")).isEqualTo(2);
        assertThat(err.toString()).contains("no image is left for the stream");
        nothingStarted();
    }

    @Test
    void everySettingTheReplayForcesIsRefusedInSet() throws Exception {
        Path d = dataset(3, 12);
        assertThat(replay("--dataset", d.toString(), "--seed-per-label", "2",
                "--set", "modelloop.model.backend=rekognition", "--set", "modelloop.dev=true")).isEqualTo(2);
        assertThat(err.toString())
                .contains("--set modelloop.model.backend is chosen by the replay")
                .contains("--set modelloop.dev is chosen by the replay");
        nothingStarted();
    }

    @Test
    void unknownPolicyAndSeedLabelsNotInTheDatasetAreAllListed() throws Exception {
        Path d = dataset(3, 12);
        assertThat(replay("--dataset", d.toString(), "--policy", "confidence,smart", "--seed-labels", "red-circle,cat",
                "--seed-per-label", "2", "--param", "Minimum-F1-Score=2", "--set", "modelloop.data=/tmp/x")).isEqualTo(2);
        assertThat(err.toString())
                .contains("fix these 4 problem(s)")
                .contains("unknown policy 'smart' in --policy: use confidence, random or all")
                .contains("--seed-labels names 'cat', which is not a label of the dataset (labels: blue-square, green-triangle, red-circle)")
                .contains("--param Minimum-F1-Score=2")
                .contains("--set modelloop.data is chosen by the replay");
        nothingStarted();
    }

    @Test
    void aMissingDatasetFolder() {
        assertThat(replay("--dataset", dir.resolve("nope").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("the dataset folder " + dir.resolve("nope") + " does not exist or is not a folder");
    }

    @Test
    void theCeilingRunsWithOnlyTheFirstSeedsWhenAsked() {
        ReplayOptions o = new ReplayOptions(Path.of("d"), null, 0.2, List.of(), 2, 100, 10,
                List.of("confidence", "random", "all"), List.of(1L, 2L, 3L), 1, null, null, null, null, null, null);
        assertThat(o.seedsFor(Policy.ALL)).containsExactly(1L);
        assertThat(o.seedsFor(Policy.RANDOM)).containsExactly(1L, 2L, 3L);
        ReplayOptions every = new ReplayOptions(Path.of("d"), null, 0.2, List.of(), 2, 100, 10,
                List.of("all"), List.of(1L, 2L), null, null, null, null, null, null, null);
        assertThat(every.seedsFor(Policy.ALL)).containsExactly(1L, 2L);
    }

    @Test
    void nonImagesAmongTheImagesAreSkippedAndCounted() throws Exception {
        Path d = dataset(3, 12);
        Files.writeString(d.resolve("red-circle").resolve("notes.txt"), "not an image");
        Files.write(d.resolve("blue-square").resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        ReplayOptions o = new ReplayOptions(d, null, 0.2, List.of(), 2, 100, 10, List.of("confidence"), List.of(1L), null, null,
                null, null, null, null, null);
        ReplayPlan.Outcome outcome = ReplayPlan.of(o);
        assertThat(outcome).isInstanceOf(ReplayPlan.Ready.class);
        ReplayPlan plan = ((ReplayPlan.Ready) outcome).plan();
        assertThat(plan.notes()).anySatisfy(n -> assertThat(n)
                .startsWith("skipped 2 file(s) in the dataset that are not readable images")
                .contains("notes.txt").contains("broken.png"));
        // 12 per label, 2 held out each: 10 left, 2 seeded per label
        assertThat(plan.test()).hasSize(6);
        ReplayPlan.Draw draw = plan.draw(1);
        assertThat(draw.seed()).hasSize(6);
        assertThat(draw.streamSize()).isEqualTo(24);
        assertThat(draw.batches()).hasSize(3);
        // the test set is fixed per dataset; the stream order depends on the seed
        assertThat(((ReplayPlan.Ready) ReplayPlan.of(o)).plan().test()).isEqualTo(plan.test());
        assertThat(plan.draw(2).batches()).isNotEqualTo(draw.batches());
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
