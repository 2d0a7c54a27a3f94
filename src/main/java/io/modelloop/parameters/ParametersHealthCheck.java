package io.modelloop.parameters;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import io.modelloop.ops.ReadinessCheck;

/** Ready only when the parameters were loaded and the last look at the store succeeded. */
public final class ParametersHealthCheck extends ReadinessCheck {

    private final ParameterService parameters;

    public ParametersHealthCheck(ParameterService parameters) {
        super("parameters");
        this.parameters = parameters;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("location", parameters.location());
        if (parameters.lastRefresh() != null) {
            builder.detail("lastRefresh", parameters.lastRefresh().toString());
        }
        if (!parameters.isStarted()) {
            builder.message("parameters not loaded yet").down();
        } else if (parameters.lastError() != null) {
            builder.message("parameter store not readable: " + parameters.lastError()).down();
        } else {
            builder.up();
        }
    }
}
