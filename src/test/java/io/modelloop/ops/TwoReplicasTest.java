package io.modelloop.ops;

import static io.modelloop.detection.S3Events.event;
import static io.modelloop.detection.S3Events.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.modelloop.ModelLoop;
import io.modelloop.detection.DetectionStats;
import io.modelloop.schedule.LeaderElection;
import io.modelloop.schedule.WorkflowTimer;
import io.modelloop.testing.AwsStubs;
import io.modelloop.testing.ElasticMq;
import io.modelloop.testing.Fixture;
import io.modelloop.trigger.SqsTrigger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Two ModelLoop instances against the same stores - S3 (S3Proxy), SQS (ElasticMQ), SSM and SNS
 * (WireMock), one detection and run store - electing their timer leader on a Kubernetes API
 * (the fabric8 mock server in CRUD mode, which stores Pods and coordination.k8s.io Leases as a
 * real API server does). S3 events are spread over both and each is processed once; exactly one
 * instance runs the timers and pollers; when the leader stops (its pod goes away) the other
 * takes over within the lease time.
 *
 * <p>The detection and run store is the jdbc store on one shared data folder: both instances run
 * in this JVM, where H2 serves the same database file to both (DynamoDB Local has no server mode
 * on this classpath). Across pods the aws profile uses DynamoDB.
 */
class TwoReplicasTest {

    private static final String NAMESPACE = "modelloop-test";
    private static final String QUEUE = "s3-events";
    private static final int EVENTS = 24;
    private static final long LEASE_MS = 3000;
    private static final List<String> LEADER_ONLY_ROUTES = List.of("training-progress", "review-results", "detection-redrive");

    @TempDir
    static Path tmp;
    private static KubernetesMockServer k8s;
    private static NamespacedKubernetesClient kube;
    private static AwsStubs aws;
    private static ElasticMq sqs;
    private static String queueUrl;
    private static final List<Replica> replicas = new ArrayList<>();

    /** One instance and the exchanges its routes completed. */
    record Replica(String pod, ModelLoop loop, Map<String, AtomicInteger> completed, List<String> sqsMessages) {
        int count(String routeId) {
            AtomicInteger n = completed.get(routeId);
            return n == null ? 0 : n.get();
        }

        boolean leads() {
            return loop.leaderElection().isLeader();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        k8s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        k8s.init();
        kube = k8s.createClient();
        aws = AwsStubs.start(tmp.resolve("s3"));
        aws.stubPublishOk();
        aws.stubPutParameterOk();
        aws.stubParametersByPath(Scenario.STARTED, AwsStubs.defaults(), Map.of(), 10);
        sqs = ElasticMq.start();
        queueUrl = sqs.createQueueWithDlq(QUEUE, 3, 30);

        for (String pod : List.of("modelloop-a", "modelloop-b")) {
            runningPod(pod);
            replicas.add(startReplica(pod));
        }
    }

    /** A running, ready pod as the kubelet would report it: the cluster service counts it as a member. */
    private static void runningPod(String name) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .addToLabels("app.kubernetes.io/name", "modelloop").endMetadata()
                .withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .endStatus().build();
        kube.pods().inNamespace(NAMESPACE).resource(pod).create();
    }

    private static Replica startReplica(String pod) throws Exception {
        Map<String, String> extra = new HashMap<>();
        extra.put("modelloop.trigger", "sqs");
        extra.put("modelloop.sqs.endpoint", sqs.endpoint());
        extra.put("modelloop.sqs.queue", QUEUE);
        extra.put("modelloop.sqs.concurrent-consumers", "2");
        extra.put("modelloop.sqs.max-messages-per-poll", "1");
        extra.put("modelloop.sqs.wait-time-seconds", "1");
        extra.put("modelloop.training.poll-interval-ms", "250");
        extra.put("modelloop.review.results-interval-ms", "250");
        extra.put("modelloop.detection.redrive-interval-ms", "250");
        extra.put("modelloop.leader.election", "kubernetes");
        extra.put("modelloop.leader.kubernetes-master-url", k8s.url("/"));
        extra.put("modelloop.leader.namespace", NAMESPACE);
        extra.put("modelloop.leader.pod-name", pod);
        extra.put("modelloop.leader.cluster-labels", "app.kubernetes.io/name=modelloop");
        extra.put("modelloop.leader.lease-duration-ms", Long.toString(LEASE_MS));
        extra.put("modelloop.leader.renew-deadline-ms", "2000");
        extra.put("modelloop.leader.retry-period-ms", "300");
        // both instances share the data folder, hence the jdbc detection and run store
        ModelLoop loop = aws.startLoop(tmp.resolve("shared-data"), extra);
        Map<String, AtomicInteger> completed = new ConcurrentHashMap<>();
        List<String> sqsMessages = new CopyOnWriteArrayList<>();
        countCompletedExchanges(loop.camel(), completed, sqsMessages);
        return new Replica(pod, loop, completed, sqsMessages);
    }

    /** Counts the exchanges each route's consumer started (not the split's parts), and the SQS messages done. */
    private static void countCompletedExchanges(CamelContext camel, Map<String, AtomicInteger> completed, List<String> sqsMessages) {
        camel.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeCompletedEvent e && e.getExchange().getFromRouteId() != null
                        && e.getExchange().getProperty(ExchangePropertyKey.SPLIT_INDEX) == null) {
                    String route = e.getExchange().getFromRouteId();
                    completed.computeIfAbsent(route, k -> new AtomicInteger()).incrementAndGet();
                    if (route.equals(SqsTrigger.ROUTE_ID) && !e.getExchange().isFailed()) {
                        sqsMessages.add(e.getExchange().getMessage().getHeader(Sqs2Constants.MESSAGE_ID, String.class));
                    }
                }
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.ExchangeCompletedEvent;
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        replicas.forEach(r -> r.loop().close());
        if (sqs != null) {
            sqs.close();
        }
        if (aws != null) {
            aws.close();
        }
        if (kube != null) {
            kube.close();
        }
        if (k8s != null) {
            k8s.destroy();
        }
    }

    @Test
    void eventsSpreadOverBothLeadershipStaysWithOneAndMovesWhenTheLeaderStops() throws Exception {
        // -- exactly one leader, holding the Lease
        await().atMost(Duration.ofSeconds(20)).until(() -> replicas.stream().filter(Replica::leads).count() == 1);
        Replica leader = replicas.stream().filter(Replica::leads).findFirst().orElseThrow();
        Replica follower = replicas.stream().filter(r -> r != leader).findFirst().orElseThrow();
        Lease lease = kube.leases().inNamespace(NAMESPACE).withName("modelloop-" + LeaderElection.NAMESPACE).get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(leader.pod());

        // -- S3 events: every one processed once, by one instance or the other
        sendEvents("first", EVENTS);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                leader.sqsMessages().size() + follower.sqsMessages().size()).isEqualTo(EVENTS));
        await().atMost(Duration.ofSeconds(10)).until(() -> sqs.messagesIn(queueUrl) == 0);
        Thread.sleep(1500); // a duplicate delivery would show up here
        List<String> all = new ArrayList<>(leader.sqsMessages());
        all.addAll(follower.sqsMessages());
        assertThat(all).hasSize(EVENTS).doesNotHaveDuplicates().doesNotContainNull();
        assertThat(leader.count(SqsTrigger.ROUTE_ID) + follower.count(SqsTrigger.ROUTE_ID))
                .as("no failed delivery either").isEqualTo(EVENTS);
        assertThat(leader.sqsMessages()).as("events consumed by the leader").isNotEmpty();
        assertThat(follower.sqsMessages()).as("events consumed by the follower").isNotEmpty();
        DetectionStats stats = leader.loop().detectionStore().stats(Instant.EPOCH);
        assertThat(stats.total()).isEqualTo(EVENTS);

        // -- the timers and pollers fire on the leader only
        int[] before = LEADER_ONLY_ROUTES.stream().mapToInt(leader::count).toArray();
        Thread.sleep(1500);
        for (int i = 0; i < LEADER_ONLY_ROUTES.size(); i++) {
            String route = LEADER_ONLY_ROUTES.get(i);
            assertThat(leader.count(route)).as(route + " on the leader").isGreaterThan(before[i]);
            assertThat(follower.count(route)).as(route + " on the follower").isZero();
        }
        // the Quartz training and sampling checks: the timer fires on both, the check runs on the leader only
        for (WorkflowTimer t : leader.loop().timers()) {
            assertThat(t.nextFireTime()).as(t.spec().name() + " on the leader").isNotNull();
        }
        for (WorkflowTimer t : follower.loop().timers()) {
            assertThat(t.nextFireTime()).as(t.spec().name() + " on the follower").isNull();
        }
        fireQuartzTimer(leader, WorkflowTimer.TRAINING);
        fireQuartzTimer(follower, WorkflowTimer.TRAINING);
        await().atMost(Duration.ofSeconds(5)).until(() -> leader.count(WorkflowTimer.TRAINING.routeId()) == 1);
        Thread.sleep(500);
        assertThat(follower.count(WorkflowTimer.TRAINING.routeId())).as("training checks run by the follower").isZero();
        assertThat(leader.count(WorkflowTimer.TRAINING.routeId())).as("training checks run by the leader").isEqualTo(1);
        assertThat(status(leader)).contains("\"leader\":true");
        assertThat(status(follower)).contains("\"leader\":false");
        // the follower still consumes S3 events: only timers are leader-only
        assertThat(follower.loop().camel().getRouteController().getRouteStatus(SqsTrigger.ROUTE_ID).isStarted()).isTrue();

        // -- the leader stops and its pod goes away: the follower takes over within the lease time
        long stoppedAt = System.nanoTime();
        leader.loop().close();
        kube.pods().inNamespace(NAMESPACE).withName(leader.pod()).delete();
        await().atMost(Duration.ofMillis(LEASE_MS * 4)).until(follower::leads);
        long failoverMs = (System.nanoTime() - stoppedAt) / 1_000_000;
        assertThat(failoverMs).as("failover time").isLessThan(LEASE_MS * 3);
        assertThat(kube.leases().inNamespace(NAMESPACE).withName("modelloop-" + LeaderElection.NAMESPACE).get()
                .getSpec().getHolderIdentity()).isEqualTo(follower.pod());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (String route : LEADER_ONLY_ROUTES) {
                assertThat(follower.count(route)).as(route + " on the new leader").isPositive();
            }
            for (WorkflowTimer t : follower.loop().timers()) {
                assertThat(t.nextFireTime()).as(t.spec().name() + " on the new leader").isNotNull();
            }
        });
        assertThat(status(follower)).contains("\"leader\":true");

        // -- and the remaining instance processes every new event
        int already = follower.sqsMessages().size();
        sendEvents("second", 4);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(follower.sqsMessages()).hasSize(already + 4).doesNotHaveDuplicates());
        assertThat(follower.loop().detectionStore().stats(Instant.EPOCH).total()).isEqualTo(EVENTS + 4);
    }

    private static void sendEvents(String batch, int n) {
        S3Client s3 = aws.s3Client();
        for (int i = 0; i < n; i++) {
            String key = "images_for_detection/" + batch + "-" + i + ".png";
            byte[] png = io.modelloop.model.TrainingImages.encode(io.modelloop.model.TrainingImages.draw(
                    io.modelloop.model.TrainingImages.CIRCLE, new java.util.Random(i)), "png");
            String etag = s3.putObject(b -> b.bucket(AwsStubs.BUCKET).key(key).contentType("image/png"),
                    RequestBody.fromBytes(png)).eTag().replace("\"", "");
            sqs.send(queueUrl, event(record("ObjectCreated:Put", AwsStubs.BUCKET, key, png.length, etag,
                    String.format("%016X", i + (batch.hashCode() & 0xffffL) * 1000))));
        }
        s3.close();
    }

    /** Fires the instance's Quartz trigger of the timer now, as its schedule would. */
    private static void fireQuartzTimer(Replica r, WorkflowTimer.Spec spec) throws Exception {
        var endpoint = r.loop().camel().getRoute(spec.routeId()).getEndpoint();
        var quartz = (org.apache.camel.component.quartz.QuartzEndpoint) ((org.apache.camel.DelegateEndpoint) endpoint).getEndpoint();
        var scheduler = quartz.getComponent().getScheduler();
        scheduler.triggerJob(scheduler.getTrigger(quartz.getTriggerKey()).getJobKey());
    }

    private static String status(Replica r) {
        return Fixture.send(HttpRequest.newBuilder(URI.create(Fixture.httpBase(r.loop()) + "/api/status")).GET().build()).body();
    }
}
