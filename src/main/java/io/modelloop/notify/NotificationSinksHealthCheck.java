package io.modelloop.notify;

import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.health.HealthCheckResultBuilder;
import io.modelloop.ops.ReadinessCheck;

/**
 * Reports a sink whose last delivery failed after its retries. Listed in /observe/health but
 * neither a readiness nor a liveness check: a broken e-mail relay must not take pods out of
 * service or restart them.
 */
public final class NotificationSinksHealthCheck extends ReadinessCheck {

    private final NotificationSinkHealth health;

    public NotificationSinksHealthCheck(NotificationSinkHealth health) {
        super("notification-sinks");
        this.health = health;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        health.snapshot().forEach((name, s) -> {
            builder.detail(name + ".up", s.up());
            builder.detail(name + ".delivered", s.delivered());
            builder.detail(name + ".failed", s.failed());
            if (s.lastError() != null) {
                builder.detail(name + ".lastError", s.lastError());
            }
        });
        if (health.allUp()) {
            builder.up();
        } else {
            // the message is what /observe/health shows at its default exposure level (details are not)
            String failing = health.snapshot().values().stream().filter(s -> !s.up())
                    .map(s -> s.sink() + " (" + s.lastError() + ")").collect(Collectors.joining("; "));
            builder.message("notification sink failing after retries: " + failing).down();
        }
    }
}
