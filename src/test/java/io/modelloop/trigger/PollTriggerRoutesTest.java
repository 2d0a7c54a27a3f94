package io.modelloop.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.detection.ObjectVersion;
import io.modelloop.storage.LocalS3Server;
import io.modelloop.testing.LocalStoreClient;
import io.modelloop.testing.LogCapture;
import io.modelloop.testing.RouteCounters;
import io.modelloop.testing.StandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * routes/trigger-poll.yaml on its own (Camel Main with only this file), the timer replaced by
 * direct:poll so each tick is one call, listing the local S3 store (S3Proxy); a test route on
 * direct:detect stands in for the detection route and passes every hand-off to mock:detect. What
 * the route decides shows in what reaches detection, in the hand-off ledger file and in the log.
 */
@CamelMainTest(properties = {
        "camel.main.routesIncludePattern=file:routes/trigger-poll.yaml",
        "modelloop.trigger.poll.enabled=true",
        "modelloop.poll.interval-ms=3600000"},
        replaceRouteFromWith = PollingTrigger.ROUTE_ID + "=direct:poll",
        configurationClasses = PollTriggerRoutesTest.Beans.class, useJmx = true)
class PollTriggerRoutesTest {

    static final String BUCKET = "bucket";
    static final String PREFIX = "images_for_detection/";
    static Path dir;
    static LocalS3Server server;
    static S3Client s3;
    /** Set while listings should fail as an unreachable store would. */
    static final AtomicBoolean LISTING_FAILS = new AtomicBoolean();
    static final AtomicInteger CONTEXTS = new AtomicInteger();
    /** The ledger of the test's CamelContext: a new file per context, so no test sees another's hand-offs. */
    static volatile Path ledger;

    @BeanInject
    CamelContext context;

    @EndpointInject("mock:detect")
    MockEndpoint detect;

    /** The polling trigger as TriggerConfiguration binds it (two hand-offs at once), and the stand-in for the detection route. */
    public static class Beans implements CamelConfiguration {
        @Override
        public void configure(CamelContext camel) throws Exception {
            ledger = dir.resolve("trigger-" + CONTEXTS.incrementAndGet()).resolve("polled-versions.txt");
            PollingTrigger.bind(camel, s3, BUCKET, 2, ledger);
            camel.addRoutes(StandIn.forDirect("detect"));
        }
    }

    @BeforeAll
    static void startParts() throws Exception {
        dir = Files.createTempDirectory("poll-trigger-routes");
        server = new LocalS3Server(dir.resolve("s3"), 0).start(BUCKET);
        ExecutionInterceptor outage = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution c, ExecutionAttributes attributes) {
                if (c.request() instanceof ListObjectsV2Request && LISTING_FAILS.get()) {
                    throw new IllegalStateException("test outage: the store does not answer");
                }
            }
        };
        s3 = LocalStoreClient.builder(server).overrideConfiguration(o -> o.addExecutionInterceptor(outage)).build();
    }

    @AfterAll
    static void stopParts() {
        s3.close();
        server.close();
    }

    @BeforeEach
    void emptyTheDetectionPrefix() {
        LISTING_FAILS.set(false);
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(PREFIX)).contents()) {
            s3.deleteObject(b -> b.bucket(BUCKET).key(o.key()));
        }
    }

    /** One tick of the trigger: lists the prefix and hands off what is new; returns when every hand-off returned. */
    void tick() {
        context.createProducerTemplate().sendBody("direct:poll", null);
    }

    @Test
    void anObjectPutIntoTheDetectionPrefixReachesDetectionOnceAndOnlyIt() throws Exception {
        String etag = put(PREFIX + "cat.png", "png bytes");
        put(PREFIX + "camera-1/nested.jpg", "jpeg bytes");
        put(PREFIX + "empty.jpg", "");
        put(PREFIX + "folder/", "");
        put("images_labeled_by_folder/cat/outside.png", "not for detection");

        tick();

        assertThat(keysHandedOff()).containsExactlyInAnyOrder(PREFIX + "cat.png", PREFIX + "camera-1/nested.jpg");
        ObjectVersion cat = handedOff().stream().filter(v -> v.key().endsWith("cat.png")).findFirst().orElseThrow();
        assertThat(cat).isEqualTo(new ObjectVersion(BUCKET, PREFIX + "cat.png", etag, null, 9L, cat.eventTime()));
        assertThat(cat.eventTime()).isNotNull();
        assertThat(ledgerText().lines()).as("both marked handed off").hasSize(2);

        tick();
        tick();

        assertThat(keysHandedOff()).as("later ticks list them again but hand nothing off").hasSize(2);
        assertThat(RouteCounters.completed(context, "list-new-versions")).isEqualTo(3);
    }

    @Test
    void anOverwrittenObjectIsANewVersionAndIsHandedOffAgain() throws Exception {
        String first = put(PREFIX + "overwritten.png", "first content");
        tick();
        String second = put(PREFIX + "overwritten.png", "second content");
        tick();

        assertThat(handedOff()).extracting(ObjectVersion::etag).containsExactly(first, second);
    }

    @Test
    void aDeletedObjectIsForgottenSoTheSameFileUploadedAgainIsDetectedAgain() throws Exception {
        String etag = put(PREFIX + "comes-back.png", "same bytes");
        put(PREFIX + "stays.png", "other bytes");
        tick();
        assertThat(ledgerText()).contains("comes-back.png", "stays.png");

        s3.deleteObject(b -> b.bucket(BUCKET).key(PREFIX + "comes-back.png"));
        tick();
        assertThat(keysHandedOff()).hasSize(2);
        assertThat(ledgerText()).as("the ledger forgot the deleted version only")
                .doesNotContain("comes-back.png").contains("stays.png");

        assertThat(put(PREFIX + "comes-back.png", "same bytes")).as("the same version as before").isEqualTo(etag);
        tick();
        assertThat(keysHandedOff()).hasSize(3).endsWith(PREFIX + "comes-back.png");
    }

    @Test
    void aFailedHandOffIsNotMarkedAndIsTriedAgainNextTickWhileTheOthersGoThrough() throws Exception {
        put(PREFIX + "flaky.png", "flaky");
        put(PREFIX + "fine.png", "fine");
        AtomicInteger failures = new AtomicInteger();
        detect.whenAnyExchangeReceived(e -> {
            if (e.getMessage().getBody(ObjectVersion.class).key().endsWith("flaky.png") && failures.getAndIncrement() == 0) {
                throw new IllegalStateException("detection store briefly unavailable");
            }
        });

        try (LogCapture log = LogCapture.capture()) {
            tick();
            assertThat(log.text()).contains("1 of 2 new object(s) under images_for_detection/ could not be handed to detection,"
                    + " tried again next tick; first: bucket/images_for_detection/flaky.png/", "detection store briefly unavailable");
        }
        assertThat(ledgerText()).contains("fine.png").doesNotContain("flaky.png");

        tick();
        tick();

        assertThat(keysHandedOff()).as("flaky twice (failed, then done), fine once")
                .containsExactlyInAnyOrder(PREFIX + "flaky.png", PREFIX + "fine.png", PREFIX + "flaky.png");
        assertThat(ledgerText()).contains("fine.png", "flaky.png");
    }

    @Test
    void aListingThatFailsIsLoggedAndTheNextTickListsAgain() throws Exception {
        put(PREFIX + "during-outage.png", "bytes");
        LISTING_FAILS.set(true);

        try (LogCapture log = LogCapture.capture()) {
            tick();
            assertThat(log.text()).contains("WARN io.modelloop.trigger - Listing images_for_detection/ failed, tried again next"
                    + " tick: test outage: the store does not answer");
        }
        assertThat(handedOff()).isEmpty();

        LISTING_FAILS.set(false);
        tick();
        assertThat(keysHandedOff()).containsExactly(PREFIX + "during-outage.png");
    }

    /** data/trigger/polled-versions.txt: the versions marked handed off (empty before the first mark). */
    static String ledgerText() throws java.io.IOException {
        return Files.exists(ledger) ? Files.readString(ledger) : "";
    }

    List<ObjectVersion> handedOff() {
        return detect.getReceivedExchanges().stream().map(e -> e.getMessage().getBody(ObjectVersion.class)).toList();
    }

    List<String> keysHandedOff() {
        return handedOff().stream().map(ObjectVersion::key).toList();
    }

    static String put(String key, String content) {
        return s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(content)).eTag().replace("\"", "");
    }
}
