package io.modelloop.notify;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * One route per sink, fed by its own queue: retries with back-off for transient faults; after
 * the last retry the failure is logged and reported in health, and the message is dropped for
 * that sink only (the log and the other sinks still have it).
 */
public final class NotificationSinkRoutes extends RouteBuilder {

    private final NotificationSinks sinks;
    private final NotificationSinkHealth health;
    private final int attempts;
    private final long delayMs;

    public NotificationSinkRoutes(NotificationSinks sinks, NotificationSinkHealth health, int attempts, long delayMs) {
        this.sinks = sinks;
        this.health = health;
        this.attempts = attempts;
        this.delayMs = delayMs;
    }

    @Override
    public void configure() {
        for (NotificationSink sink : sinks.all()) {
            health.register(sink.name());
            from(NotificationSinks.queue(sink.name()).replace("?waitForTaskToComplete=Never", ""))
                .routeId("notify-sink-" + sink.name())
                .routeDescription("Delivers notifications to the " + sink.name() + " sink")
                .onException(Exception.class)
                    .maximumRedeliveries(attempts)
                    .redeliveryDelay(delayMs)
                    .useExponentialBackOff()
                    .backOffMultiplier(2)
                    .retryAttemptedLogLevel(LoggingLevel.WARN)
                    .handled(true)
                    .process(e -> health.failed(sink.name(), e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)))
                    .log(LoggingLevel.ERROR, "io.modelloop.notifications",
                            "Notification sink " + sink.name() + " gave up after " + attempts
                                    + " retries: ${exception}")
                .end()
                .process(e -> {
                    try {
                        sink.send(e.getMessage().getMandatoryBody(NotificationMessage.class));
                    } catch (CamelExecutionException x) {
                        throw unwrap(x);
                    }
                })
                .process(e -> health.delivered(sink.name()));
        }
    }

    /**
     * The sinks send through a ProducerTemplate, which wraps what failed in a
     * CamelExecutionException whose own message says nothing ("Exception occurred during
     * execution on the exchange"); retries, health and the log need the cause (e.g. SNS's status code).
     */
    static Exception unwrap(CamelExecutionException x) {
        Throwable t = x;
        while (t instanceof CamelExecutionException && t.getCause() instanceof Exception) {
            t = t.getCause();
        }
        return (Exception) t;
    }
}
