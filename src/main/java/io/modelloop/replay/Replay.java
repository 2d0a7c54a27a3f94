package io.modelloop.replay;

import io.modelloop.ModelLoop;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The replay: checks options and data (every problem listed, nothing started), then runs each
 * (policy, seed) as its own in-process ModelLoop on a temporary data folder, and writes the report.
 * Ctrl-C (or SIGTERM) closes the running loop and deletes the temporary folders.
 */
public final class Replay {

    /** Exit code for options or data that cannot be replayed. */
    public static final int BAD_INPUT = 2;

    private final ReplayOptions options;
    private final PrintWriter err;
    private final AtomicReference<ModelLoop> running = new AtomicReference<>();
    private volatile boolean finished;

    private final boolean interactive;

    /** @param interactive the error stream is a terminal: progress redraws one line in place */
    public Replay(ReplayOptions options, PrintWriter err, boolean interactive) {
        this.options = options;
        this.err = err;
        this.interactive = interactive;
    }

    /** Default output folder: replay-yyyyMMdd-HHmmss in the current folder. */
    public static Path defaultOut() {
        return Path.of("replay-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()));
    }

    /** Runs it; returns the exit code (0, or {@link #BAD_INPUT} with the problems on the error stream). */
    public int run() throws Exception {
        ReplayPlan.Outcome outcome = ReplayPlan.of(options);
        if (outcome instanceof ReplayPlan.Refused refused) {
            refused.notes().forEach(n -> err.println("modelloop replay: note: " + n));
            err.println("modelloop replay: nothing was started; fix these " + refused.problems().size() + " problem(s):");
            refused.problems().forEach(p -> err.println("  - " + p));
            return BAD_INPUT;
        }
        ReplayPlan plan = ((ReplayPlan.Ready) outcome).plan();
        plan.notes().forEach(n -> err.println("modelloop replay: note: " + n));
        Path out = options.out() != null ? options.out() : defaultOut();
        Path parent = options.workDir() != null ? Files.createDirectories(options.workDir()) : null;
        Path root = parent == null ? Files.createTempDirectory("modelloop-replay-")
                : Files.createTempDirectory(parent, "modelloop-replay-");
        useTemporaryDjlCache(root);
        Thread hook = new Thread(() -> interrupted(root), "modelloop-replay-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        String started = Instant.now().toString();
        long t0 = System.nanoTime();
        Progress progress = new Progress(err, plan.allLabels().size(), interactive);
        try {
            List<RunResult> results = new ArrayList<>();
            Map<Long, List<Integer>> confidenceLabels = new HashMap<>();
            for (Policy policy : options.policyOrder()) {
                for (long seed : options.seedsFor(policy)) {
                    Path dir = root.resolve(policy.id() + "-seed-" + seed);
                    RunResult r;
                    try {
                        r = new ReplayRun(plan, policy, seed, dir, progress, running::set)
                                .run(policy == Policy.RANDOM ? confidenceLabels.get(seed) : null);
                    } catch (InterruptedException e) {
                        throw e;
                    } catch (Exception e) {
                        progress.done();
                        throw new IllegalStateException("the " + policy.id() + " run with seed " + seed + " failed: "
                                + e.getMessage() + (results.isEmpty() ? "" : " (the runs before it are in " + out + ")"), e);
                    }
                    progress.done();
                    deleteTree(dir);
                    if (policy == Policy.CONFIDENCE) {
                        confidenceLabels.put(seed, r.points().stream().skip(1).map(Point::labelled).toList());
                    }
                    results.add(r);
                    ReplayReport.write(out, plan, results, started, (System.nanoTime() - t0) / 1e9);
                }
            }
            err.println("modelloop replay: report in " + out.toAbsolutePath().resolve("replay.html") + " and replay.json");
            return 0;
        } finally {
            progress.done();
            finished = true;
            deleteTree(root);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs and finds the work done
            }
        }
    }

    /** The JVM is stopping (Ctrl-C, SIGTERM) while runs are in progress: stop the loop, remove its data. */
    private void interrupted(Path root) {
        if (finished) {
            return;
        }
        err.println();
        err.println("modelloop replay: interrupted; stopping the loop and deleting " + root);
        ModelLoop loop = running.getAndSet(null);
        if (loop != null) {
            loop.close();
        }
        deleteTree(root);
    }

    /**
     * Without a configured DJL cache the built-in model would unpack its natives into the run's data
     * folder; one cache beside the runs serves them all and goes with them.
     */
    private static void useTemporaryDjlCache(Path root) {
        if ((System.getenv("DJL_CACHE_DIR") == null || System.getenv("DJL_CACHE_DIR").isBlank())
                && System.getProperty("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", root.resolve("djl-cache").toString());
        }
    }

    /**
     * Deletes the folder. Threads of a loop that is closing can still write a file into it while it
     * is walked (the folder is then not empty when its turn comes), so it walks again, a bounded
     * number of times, until the folder is gone.
     */
    static void deleteTree(Path dir) {
        for (int attempt = 0; attempt < 20 && dir != null && Files.exists(dir); attempt++) {
            if (attempt > 0) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException e) {
                // walked while something else deleted or wrote: the next attempt sees what is left
            }
        }
    }
}
