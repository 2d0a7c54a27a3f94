package io.modelloop.training;

import io.modelloop.schedule.TimerPlacement;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Polls the training run in progress (training status, then deployment) every
 * modelloop.training.poll-interval-ms, on the timer leader only. A failed poll (the backend
 * unreachable, throttled) is logged and simply tried again at the next tick.
 */
public final class TrainingRoutes extends RouteBuilder {

    // a restarted instance looks at the run it inherited at once, not one full interval later
    static final long FIRST_POLL_MS = 1000;

    private final TrainingPipeline pipeline;
    private final TimerPlacement placement;
    private final long intervalMs;

    public TrainingRoutes(TrainingPipeline pipeline, TimerPlacement placement, long intervalMs) {
        this.pipeline = pipeline;
        this.placement = placement;
        this.intervalMs = intervalMs;
    }

    @Override
    public void configure() {
        from(placement.wrap("training-progress", "timer:training-progress?period=" + intervalMs + "&delay=" + Math.min(intervalMs, FIRST_POLL_MS)))
            .routeId("training-progress")
            .routeDescription("Moves the training run in progress along: F1 gate, start, switch, stop the previous version")
            .onException(Exception.class).handled(true)
                .log(LoggingLevel.WARN, "io.modelloop.training", "Training progress poll failed, retried next tick: ${exception.message}")
            .end()
            .bean(pipeline, "advance");
    }
}
