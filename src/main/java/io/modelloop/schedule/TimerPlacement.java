package io.modelloop.schedule;

/**
 * Decides where timer routes run when several ModelLoop instances share the same stores.
 * The seam for leader election: a clustered placement wraps the consumer in Camel's
 * {@code master:} component so only the cluster service's leader fires.
 */
@FunctionalInterface
public interface TimerPlacement {

    /** Every instance runs its own timers (one instance). */
    TimerPlacement LOCAL = (name, uri) -> uri;

    String wrap(String timerName, String consumerUri);

    /**
     * Only the leader of the shared cluster namespace ({@link LeaderElection#NAMESPACE}) runs the
     * timer: one instance runs all leader-only work (needs a cluster service in the context).
     */
    static TimerPlacement leaderOnly() {
        return (name, uri) -> "master:" + LeaderElection.NAMESPACE + ":" + uri;
    }
}
