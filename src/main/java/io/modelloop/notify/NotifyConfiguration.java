package io.modelloop.notify;

import io.modelloop.config.Once;
import io.modelloop.config.Settings;
import io.modelloop.storage.Databases;
import java.time.Clock;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * Notifications (routes/notifications.yaml): the notifier every step calls, the sinks checked
 * at start-up and their health, the formatter and the log of every notification sent.
 */
@Configuration
public class NotifyConfiguration implements CamelConfiguration {

    private final Settings settings;
    private final NotificationSinks sinks;
    private final CamelNotifier notifier = new CamelNotifier(Clock.systemUTC());
    private final NotificationSinkHealth sinkHealth = new NotificationSinkHealth();
    private final Once<NotificationLog> log = new Once<>();

    /** @param sinks the sinks checked before anything started (a missing setting ends start-up there) */
    public NotifyConfiguration(Settings settings, NotificationSinks sinks) {
        this.settings = settings;
        this.sinks = sinks;
        sinks.names().forEach(sinkHealth::register);
    }

    @BindToRegistry("notifier")
    public CamelNotifier notifier() {
        return notifier;
    }

    @BindToRegistry("notificationFormatter")
    public NotificationFormatter notificationFormatter() {
        return new NotificationFormatter("ModelLoop " + settings.profile());
    }

    @BindToRegistry("notificationSinks")
    public NotificationSinks notificationSinks() {
        return sinks;
    }

    @BindToRegistry("notificationSinkHealth")
    public NotificationSinkHealth notificationSinkHealth() {
        return sinkHealth;
    }

    /** Every notification sent, for the console (same store as the run records). */
    @BindToRegistry("notificationLog")
    public NotificationLog notificationLog(Databases databases) {
        return log.get(() -> NotificationLogs.create(settings, databases::h2, databases::dynamo));
    }

    @BindToRegistry("notificationRecorder")
    public NotificationRecorder notificationRecorder(Databases databases) {
        return new NotificationRecorder(notificationLog(databases));
    }

    /** The log opened by {@link #notificationLog}, or null. */
    public NotificationLog log() {
        return log.orNull();
    }

    @Override
    public void configure(CamelContext camel) {
        HealthCheckRegistry.get(camel).register(new NotificationSinksHealthCheck(sinkHealth));
    }
}
