package io.modelloop.detection;

import io.modelloop.notify.Notifier;
import io.modelloop.ops.LoopMetrics;

/** The notification that ends the detect route, one method per outcome (the route chooses). */
public record DetectionNotices(Notifier notifier, LoopMetrics metrics) {

    public void classified(DetectionWork w) {
        Detection d = w.detection();
        metrics.confidence(d.confidence());
        notifier.notify("ImageClassified", d.key() + ": " + DetectionSummary.labelText(d.label()) + " ("
                + DetectionSummary.round(d.confidence()) + "%)", DetectionSummary.of(d, w.loopName()));
    }

    public void rejected(DetectionWork w) {
        Detection d = w.detection();
        notifier.notify("ImageRejected", d.key() + " rejected: " + d.reason(), DetectionSummary.of(d, w.loopName()));
    }

    public void noModel(DetectionWork w) {
        Detection d = w.detection();
        notifier.notify("NoModelRunning", d.key() + " waits: no model is running; it is detected once one runs",
                DetectionSummary.of(d, w.loopName()));
    }
}
