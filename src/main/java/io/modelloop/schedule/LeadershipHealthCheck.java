package io.modelloop.schedule;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckResultBuilder;
import io.modelloop.ops.ReadinessCheck;

/**
 * Reports, never fails: whether this instance leads (runs the timers and pollers), the election
 * mode, this member's name and the current leader. A follower is as healthy as the leader, so
 * this check is always UP; the gauge {@code modelloop_leader} (1 or 0) carries the same fact to
 * Prometheus.
 */
public final class LeadershipHealthCheck extends ReadinessCheck {

    private final LeaderElection election;

    public LeadershipHealthCheck(LeaderElection election) {
        super("leadership");
        this.election = election;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        election.describe().forEach((k, v) -> builder.detail(k, v == null ? "" : v));
        builder.message(election.isLeader() ? "this instance runs the timers and pollers" : "another instance leads");
        builder.up();
    }

    /** Registers the gauge modelloop_leader in Camel's Prometheus registry (once it exists). */
    public static void registerGauge(CamelContext camel, LeaderElection election) {
        MeterRegistry registry = camel.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry != null) {
            Gauge.builder("modelloop_leader", election, e -> e.isLeader() ? 1 : 0)
                    .description("1 when this instance is the leader that runs the timers and pollers, else 0")
                    .tag("election", election.mode().name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
    }
}
