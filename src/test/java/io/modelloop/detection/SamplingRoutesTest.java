package io.modelloop.detection;

import io.modelloop.ops.LoopMetrics;
import io.modelloop.parameters.FileParameterStore;
import io.modelloop.parameters.ParameterService;
import io.modelloop.review.BuiltinReviewService;
import io.modelloop.review.HumanSampling;
import io.modelloop.runs.JdbcRunStore;
import io.modelloop.runs.RunRecorder;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.storage.H2Database;
import io.modelloop.storage.LocalS3Server;
import io.modelloop.testing.LocalStoreClient;
import io.modelloop.testing.RecordingNotifier;
import io.modelloop.testing.RouteCounters;
import io.modelloop.training.CurrentLabels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import static org.assertj.core.api.Assertions.assertThat;


/**
 * routes/sampling.yaml on its own (Camel Main with only this file), on the H2 detection store, the
 * built-in review service and S3Proxy: the first check starts the count, a later one sends every
 * third detection since to review as a quality sample (the loop step runs once per pick), and
 * the cursor it leaves means a third check sends nothing again.
 */
@CamelMainTest(properties = "camel.main.routesIncludePattern=file:routes/sampling.yaml",
        configurationClasses = SamplingRoutesTest.Beans.class, useJmx = true)
class SamplingRoutesTest {

    static final String BUCKET = "bucket";
    static Path dir;
    static LocalS3Server server;
    static S3Client s3;
    static H2Database h2;
    static JdbcDetectionStore store;
    static ParameterService parameters;
    static SystemStateRepository systemState;
    static final RecordingNotifier NOTIFIER = new RecordingNotifier();

    @BeanInject
    CamelContext context;

    /** The bean the route file names, as ModelLoop binds it. */
    public static class Beans implements CamelConfiguration {
        @Override
        public void configure(CamelContext camel) {
            Clock clock = Clock.systemUTC();
            CurrentLabels labels = new CurrentLabels(s3, BUCKET, Duration.ZERO, clock);
            camel.getRegistry().bind("humanSampling", new HumanSampling(store,
                    new BuiltinReviewService(store, s3, BUCKET, clock, labels), labels, parameters, systemState,
                    new RunRecorder(new JdbcRunStore(h2), clock), NOTIFIER, new LoopMetrics(() -> null), clock));
        }
    }

    @BeforeAll
    static void startParts() throws Exception {
        dir = Files.createTempDirectory("sampling-routes");
        server = new LocalS3Server(dir.resolve("s3"), 0).start(BUCKET);
        s3 = LocalStoreClient.of(server);
        h2 = new H2Database(dir.resolve("modelloop"));
        store = new JdbcDetectionStore(h2);
        FileParameterStore parameterStore = new FileParameterStore(dir.resolve("parameters.properties"));
        parameters = new ParameterService(parameterStore, NOTIFIER);
        parameters.start();
        parameters.set("Human-Sampling-Interval", "3");
        systemState = new SystemStateRepository(parameterStore, Clock.systemUTC());
    }

    @AfterAll
    static void stopParts() {
        s3.close();
        server.close();
        h2.close();
    }

    void check() {
        context.createProducerTemplate().requestBodyAndHeader("direct:sampling-check", null, "ModelLoopTrigger", "manual");
    }

    void detected(int n) {
        Instant base = Instant.now();
        for (int i = 0; i < n; i++) {
            Instant at = base.plusMillis(i);
            String id = "d-" + at.toEpochMilli() + "-" + i;
            store.insertIfAbsent(Detection.builder().id(id).objectKey(BUCKET + "/images_for_detection/" + id + ".png/e")
                    .detectedAt(at).bucket(BUCKET).key("images_for_detection/" + id + ".png").etag("e").modelVersion("v1")
                    .outcome(Detection.Outcome.CLASSIFIED).label("cat").confidence(97.0).threshold(70.0)
                    .reviewEnabled(true).uploadedAt(at).build());
        }
    }

    @Test
    void theFirstCheckStartsTheCountThenEveryThirdDetectionIsSampledOnce() {
        check();
        assertThat(completed("start-counting")).isEqualTo(1);
        detected(10);

        check();
        List<HumanLoop> samples = store.openLoops(100);
        assertThat(samples).hasSize(3).allSatisfy(l -> assertThat(l.source()).isEqualTo(HumanLoop.HUMAN_SAMPLING));
        assertThat(completed("send-sample-to-review")).isEqualTo(3);
        assertThat(NOTIFIER.events("HumanSamplingStarted")).singleElement()
                .satisfies(n -> assertThat(n.details()).startsWith("3 detection(s) sent for quality review (one in 3)"));

        check();
        assertThat(store.openLoops(100)).hasSize(3);
        assertThat(completed("send-sample-to-review")).as("the cursor moved past every pick").isEqualTo(3);
        assertThat(completed("start-counting")).isEqualTo(1);
    }

    long completed(String processorId) {
        return RouteCounters.completed(context, processorId);
    }
}
