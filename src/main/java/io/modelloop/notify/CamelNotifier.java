package io.modelloop.notify;

import java.time.Clock;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands notifications to the notification route; a failure there never reaches the workflow. */
public final class CamelNotifier implements Notifier {

    public static final String ENDPOINT = "direct:notify";
    private static final Logger LOG = LoggerFactory.getLogger(CamelNotifier.class);

    private final Clock clock;
    private volatile ProducerTemplate producer;

    public CamelNotifier(Clock clock) {
        this.clock = clock;
    }

    public void attach(ProducerTemplate producer) {
        this.producer = producer;
    }

    @Override
    public void notify(String event, String details, Map<String, ?> data) {
        Notification n = new Notification(event, details, data, clock.instant());
        ProducerTemplate p = producer;
        if (p == null) {
            LOG.warn("Notification before start-up completed, logged only: {} {}", event, details);
            return;
        }
        try {
            p.sendBody(ENDPOINT, n);
        } catch (RuntimeException e) {
            LOG.error("Notification {} could not be queued: {}", event, e.getMessage(), e);
        }
    }
}
