package io.modelloop.ops;

import org.apache.camel.impl.health.AbstractHealthCheck;

/** A ModelLoop health check (group modelloop) that may take a pod out of service but never restarts it. */
public abstract class ReadinessCheck extends AbstractHealthCheck {

    protected ReadinessCheck(String id) {
        super("modelloop", id);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }
}
