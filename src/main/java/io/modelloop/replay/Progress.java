package io.modelloop.replay;

import java.io.PrintWriter;
import java.util.Locale;

/** One updating line on the terminal: run, batch, a bar, labels, known labels, F1 and what is happening. */
public final class Progress {

    private final PrintWriter err;
    private final int totalLabels;
    private final boolean interactive;
    private String run = "";
    private int batch;
    private int batches;
    private int labels;
    private int known;
    private Double f1;
    private int lastLength;

    /**
     * @param interactive true on a terminal: one line redrawn in place; false (a log file): a line per
     *                    run start, batch start and measurement, so the log stays readable
     */
    public Progress(PrintWriter err, int totalLabels, boolean interactive) {
        this.err = err;
        this.totalLabels = totalLabels;
        this.interactive = interactive;
    }

    public synchronized void run(String policy, long seed, int batches) {
        this.run = policy + " seed " + seed;
        this.batches = batches;
        this.batch = 0;
        this.labels = 0;
        this.known = 0;
        this.f1 = null;
        milestone("starting ModelLoop");
    }

    /** A measurement: shown with the training's outcome. */
    public synchronized void point(Point p) {
        this.labels = p.humanLabels();
        this.known = p.knownLabels().size();
        this.f1 = p.macroF1();
        boolean why = p.training().equals("refused") || p.training().equals("failed");
        milestone(p.training() + (p.batch() == 0 ? " (seed set)" : "") + (why ? ": " + p.trainingReason() : ""));
    }

    public synchronized void batch(int batch, int images) {
        this.batch = batch;
        milestone("uploading " + images + " images");
    }

    private void milestone(String doing) {
        if (interactive) {
            show(doing);
        } else {
            err.println(line(doing));
            err.flush();
        }
    }

    public synchronized void labels(int labels) {
        this.labels = labels;
    }

    /** Redraws the line with what is happening now (on a terminal only). */
    public synchronized void show(String doing) {
        if (!interactive) {
            return;
        }
        String line = line(doing);
        String pad = lastLength > line.length() ? " ".repeat(lastLength - line.length()) : "";
        err.print("\r" + line + pad);
        err.flush();
        lastLength = line.length();
    }

    private String line(String doing) {
        int width = 12;
        int filled = batches == 0 ? 0 : Math.min(width, batch * width / batches);
        String line = String.format(Locale.ROOT, "[%s] batch %d/%d \u2595%s%s\u258f labels %d  known %d/%d  F1 %s  %s",
                run, batch, batches, "\u2588".repeat(filled), "\u2591".repeat(width - filled), labels, known, totalLabels,
                f1 == null ? "-" : String.format(Locale.ROOT, "%.3f", f1), doing);
        return line;
    }

    /** Ends the line, so what follows starts on a fresh one. */
    public synchronized void done() {
        if (lastLength > 0) {
            err.println();
            lastLength = 0;
        }
    }
}
