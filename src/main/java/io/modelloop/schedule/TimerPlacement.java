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

    /** Only the leader of namespace modelloop-NAME runs the timer (needs a cluster service in the registry). */
    static TimerPlacement leaderOnly() {
        return (name, uri) -> "master:modelloop-" + name + ":" + uri;
    }
}
