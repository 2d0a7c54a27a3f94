package io.modelloop.cli;

import io.modelloop.replay.ExampleDataset;
import io.modelloop.replay.Replay;
import io.modelloop.replay.ReplayOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replays a labelled dataset (<label>/<image> folders) through the real loop on a temporary data "
                + "folder: a seed set is trained, the rest arrives in batches, a simulated reviewer answers the review "
                + "loops with the true labels, the loop retrains, and each version is scored on a held-out test set.",
            "Writes replay.json and replay.html (learning curves, review load, confusion matrix) to --out."},
        footer = {"", "Exit codes: 0 done, 1 a run failed, 2 bad options or data (nothing was started)."})
final class ReplayCommand implements Callable<Integer> {

    @ParentCommand
    ModelLoopCommand parent;
    @Option(names = "--config", paramLabel = "DIR",
            description = "Folder with application*.properties. Default ./config, else the copy in the jar. Env: MODELLOOP_CONFIG")
    Path config;
    @Spec
    CommandSpec spec;

    @Option(names = "--generate-example", paramLabel = "DIR",
            description = "Writes a small generated dataset (5 labels x 40 images) to DIR and exits.")
    Path generateExample;
    @Option(names = "--dataset", paramLabel = "DIR", description = "Labelled images: DIR/<label>/<image>.")
    Path dataset;
    @Option(names = "--test", paramLabel = "DIR", description = "Held-out test images, same layout (instead of --test-share).")
    Path test;
    @Option(names = "--test-share", paramLabel = "SHARE", defaultValue = "0.2",
            description = "Share of each label's images held out for testing when --test is not given (default ${DEFAULT-VALUE}).")
    double testShare;
    @Option(names = "--seed-labels", paramLabel = "a,b,c", split = ",",
            description = "Labels of the initial labelled set (default all); the others appear only in the stream.")
    List<String> seedLabels = new ArrayList<>();
    @Option(names = "--seed-per-label", paramLabel = "N", defaultValue = "10", description = "Seed images per seed label (default ${DEFAULT-VALUE}).")
    int seedPerLabel;
    @Option(names = "--stream", paramLabel = "N", defaultValue = "3000", description = "Images streamed after the seed (default ${DEFAULT-VALUE}).")
    int stream;
    @Option(names = "--batch", paramLabel = "N", defaultValue = "500", description = "Images per batch (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--policy", paramLabel = "confidence,random,all", split = ",",
            description = "Review policies to compare (default confidence).")
    List<String> policies = new ArrayList<>();
    @Option(names = "--seeds", paramLabel = "1,2,3", split = ",", description = "Seeds: stream order and random choices (default 1).")
    List<Long> seeds = new ArrayList<>();
    @Option(names = "--ceiling-seeds", paramLabel = "N",
            description = "Run the `all` policy (the ceiling) with only the first N seeds (default: every seed).")
    Integer ceilingSeeds;

    @Option(names = "--random-per-batch", paramLabel = "N",
            description = "Labels per batch for the random policy when confidence is not run (default 10 %% of the batch).")
    Integer randomPerBatch;
    @Option(names = "--param", paramLabel = "Name=value", description = "A ModelLoop parameter, e.g. Minimum-F1-Score=0.5 (repeatable).")
    Map<String, String> params = new LinkedHashMap<>();
    @Option(names = "--set", paramLabel = "modelloop.key=value", description = "A configuration override, e.g. modelloop.builtin.epochs=10 (repeatable).")
    Map<String, String> sets = new LinkedHashMap<>();
    @Option(names = "--out", paramLabel = "DIR", description = "Report folder (default replay-<time> in the current folder).")
    Path out;
    @Option(names = "--work-dir", paramLabel = "DIR", hidden = true, description = "Parent of the temporary data folders.")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        if (generateExample != null) {
            ExampleDataset.write(generateExample);
            spec.commandLine().getOut().println("Wrote " + ExampleDataset.LABELS.size() + " labels x 40 generated images to "
                    + generateExample.toAbsolutePath());
            return 0;
        }
        // each run gets its own temporary data folder and free ports: --data and the port options do not apply
        Path configDir = config != null ? config : parent.options.config != null ? parent.options.config
                : Path.of(System.getenv().getOrDefault("MODELLOOP_CONFIG", "config"));
        ReplayOptions o = new ReplayOptions(dataset, test, testShare, seedLabels, seedPerLabel, stream, batch, policies,
                seeds, ceilingSeeds, randomPerBatch, params, sets, out, configDir, workDir);
        // the loop's INFO lines would scroll the progress line away; warnings and errors still show
        Level before = LogManager.getRootLogger().getLevel();
        Configurator.setRootLevel(Level.WARN);
        try {
            return new Replay(o, spec.commandLine().getErr(), System.console() != null).run();
        } finally {
            Configurator.setRootLevel(before);
        }
    }
}
