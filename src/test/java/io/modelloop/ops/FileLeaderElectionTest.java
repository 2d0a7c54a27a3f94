package io.modelloop.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelloop.ModelLoop;
import io.modelloop.schedule.LeaderElection;
import io.modelloop.testing.Fixture;
import io.modelloop.training.VersionEvents;
import io.modelloop.trigger.PollingTrigger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * modelloop.leader.election=file: two instances on one host share a lock folder; one runs the
 * timers and pollers (here the polling trigger too) and the training progress steps the model
 * backend's events ask for, the other takes over when it stops.
 */
class FileLeaderElectionTest {

    private static final List<String> LEADER_ONLY_ROUTES = List.of(PollingTrigger.ROUTE_ID, "training-progress",
            "review-results", "detection-redrive");

    @TempDir
    Path tmp;
    private final List<ModelLoop> loops = new ArrayList<>();

    @AfterEach
    void stop() {
        loops.forEach(ModelLoop::close);
    }

    private ModelLoop start(String name, Map<String, AtomicInteger> counts) throws Exception {
        ModelLoop loop = Fixture.startLocal(tmp.resolve(name), Map.of(
                "modelloop.leader.election", "file",
                "modelloop.leader.file-root", tmp.resolve("cluster").toString(),
                "modelloop.leader.pod-name", name,
                "modelloop.leader.retry-period-ms", "300",
                "modelloop.poll.interval-ms", "250",
                "modelloop.training.poll-interval-ms", "250",
                "modelloop.review.results-interval-ms", "250",
                "modelloop.detection.redrive-interval-ms", "250"));
        loops.add(loop);
        loop.camel().getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                var e = (CamelEvent.ExchangeCompletedEvent) event;
                if (e.getExchange().getFromRouteId() != null) {
                    counts.computeIfAbsent(e.getExchange().getFromRouteId(), k -> new AtomicInteger()).incrementAndGet();
                }
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.ExchangeCompletedEvent;
            }
        });
        return loop;
    }

    private static void modelVersionFinished(ModelLoop loop) {
        loop.camel().createFluentProducerTemplate().to(VersionEvents.ENDPOINT)
                .withHeader(VersionEvents.VERSION_HEADER, "v-test").withHeader(VersionEvents.STATUS_HEADER, "RUNNING").send();
    }

    private static long exchanges(ModelLoop loop, String routeId) {
        return loop.camel().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute(routeId).getExchangesCompleted();
    }

    private static int count(Map<String, AtomicInteger> counts, String route) {
        AtomicInteger n = counts.get(route);
        return n == null ? 0 : n.get();
    }

    @Test
    void oneInstanceRunsTheTimersAndTheOtherTakesOverWhenItStops() throws Exception {
        Map<String, AtomicInteger> countsA = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> countsB = new ConcurrentHashMap<>();
        ModelLoop a = start("instance-a", countsA);
        ModelLoop b = start("instance-b", countsB);
        LeaderElection ea = a.leaderElection();
        LeaderElection eb = b.leaderElection();
        assertThat(ea.mode()).isEqualTo(LeaderElection.Mode.FILE);

        await().atMost(Duration.ofSeconds(15)).until(() -> ea.isLeader() ^ eb.isLeader());
        ModelLoop leader = ea.isLeader() ? a : b;
        ModelLoop follower = leader == a ? b : a;
        Map<String, AtomicInteger> leaderCounts = leader == a ? countsA : countsB;
        Map<String, AtomicInteger> followerCounts = leader == a ? countsB : countsA;

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (String route : LEADER_ONLY_ROUTES) {
                assertThat(count(leaderCounts, route)).as(route + " on the leader").isPositive();
            }
        });
        Thread.sleep(1000);
        assertThat(ea.isLeader() ^ eb.isLeader()).as("still exactly one leader").isTrue();
        for (String route : LEADER_ONLY_ROUTES) {
            assertThat(count(followerCounts, route)).as(route + " on the follower").isZero();
        }
        // every instance refreshes its own parameters
        await().atMost(Duration.ofSeconds(5)).until(() -> count(followerCounts, "parameters-refresh") > 0);

        // the model backend's "version finished": the leader runs the progress steps at once, a follower drops it
        modelVersionFinished(follower);
        modelVersionFinished(leader);
        await().atMost(Duration.ofSeconds(5)).until(() -> exchanges(leader, "training-progress-now") == 1);
        assertThat(exchanges(follower, "model-version-finished")).isEqualTo(1);
        assertThat(exchanges(follower, "training-progress-now")).as("progress steps on the follower").isZero();
        assertThat(follower.camel().getEndpoint("seda:training-progress-now", SedaEndpoint.class).getCurrentQueueSize())
                .as("nothing left queued on the follower").isZero();

        leader.close();
        await().atMost(Duration.ofSeconds(15)).until(() -> follower.leaderElection().isLeader());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (String route : LEADER_ONLY_ROUTES) {
                assertThat(count(followerCounts, route)).as(route + " on the new leader").isPositive();
            }
        });
    }
}
