package io.modelloop.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;

/**
 * The loop's own metrics, scraped at /observe/metrics next to Camel's: detections by outcome,
 * the confidence histogram, loops started and completed, upload-to-detection and
 * answer-to-copy latency, and the sampling agreement.
 */
public final class LoopMetrics {

    private final Supplier<MeterRegistry> lookup;
    private volatile MeterRegistry registry;
    private final AtomicReference<Double> agreement = new AtomicReference<>(Double.NaN);

    public LoopMetrics(Supplier<MeterRegistry> lookup) {
        this.lookup = lookup;
    }

    /** Metrics in Camel's Prometheus registry (found once the context has started). */
    public static LoopMetrics of(CamelContext camel) {
        return new LoopMetrics(() -> camel.getRegistry().findSingleByType(MeterRegistry.class));
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            r = lookup.get();
            if (r == null) {
                return new SimpleMeterRegistry(); // not started yet: count nowhere rather than fail
            }
            Gauge.builder("modelloop_sampling_agreement_ratio", agreement, a -> a.get())
                    .description("Share of answered quality samples where the reviewer agreed with the model")
                    .register(r);
            registry = r;
        }
        return r;
    }

    public void detection(String outcome) {
        Counter.builder("modelloop_detections").tag("outcome", outcome)
                .description("Detections by outcome").register(registry()).increment();
    }

    public void confidence(double confidence) {
        DistributionSummary.builder("modelloop_detection_confidence").description("Top-label confidence (0-100)")
                .serviceLevelObjectives(10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 100)
                .register(registry()).record(confidence);
    }

    public void loopStarted(String source) {
        Counter.builder("modelloop_human_loops_started").tag("source", source).register(registry()).increment();
    }

    public void loopCompleted(String source) {
        Counter.builder("modelloop_human_loops_completed").tag("source", source).register(registry()).increment();
    }

    public void uploadToDetection(Duration d) {
        Timer.builder("modelloop_upload_to_detection").description("From the image's upload to its detection record")
                .register(registry()).record(d.isNegative() ? Duration.ZERO : d);
    }

    public void answerToCopy(Duration d) {
        Timer.builder("modelloop_answer_to_training_copy")
                .description("From the reviewer's answer to the image's copy into the training folders")
                .register(registry()).record(d.isNegative() ? Duration.ZERO : d);
    }

    public void agreement(Double share) {
        agreement.set(share == null ? Double.NaN : share);
        registry();
    }
}
