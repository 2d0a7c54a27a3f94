package io.modelloop.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.parameters.FileParameterStore;
import io.modelloop.parameters.ParameterService;
import io.modelloop.runs.JdbcRunStore;
import io.modelloop.runs.RunRecorder;
import io.modelloop.state.SystemState;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.storage.H2Database;
import io.modelloop.storage.LocalS3Server;
import io.modelloop.testing.LocalStoreClient;
import io.modelloop.testing.RecordingNotifier;
import io.modelloop.testing.RouteCounters;
import io.modelloop.testing.RekognitionStubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * routes/training.yaml on its own (Camel Main with only this file), the training-progress timer
 * replaced by direct:progress so each tick is one call, with the real pipeline on S3Proxy, H2 run
 * records and the Rekognition client against protocol-level stubs: each tick takes the branch of
 * the run's phase, and a good candidate goes from training to serving in the order of the route.
 */
@CamelMainTest(properties = {
        "camel.main.routesIncludePattern=file:routes/training.yaml",
        "modelloop.training.poll-interval-ms=3600000"},
        replaceRouteFromWith = "training-progress=direct:progress",
        configurationClasses = TrainingRoutesTest.Beans.class, useJmx = true)
class TrainingRoutesTest {

    static final String BUCKET = "bucket";
    static Path dir;
    static LocalS3Server server;
    static S3Client s3;
    static RekognitionStubs rek;
    static H2Database h2;
    static SystemStateRepository systemState;
    static ParameterService parameters;
    static final RecordingNotifier NOTIFIER = new RecordingNotifier();

    @BeanInject
    CamelContext context;

    /** The bean the route file names, as ModelLoop binds it. */
    public static class Beans implements CamelConfiguration {
        @Override
        public void configure(CamelContext camel) {
            camel.getRegistry().bind("trainingPipeline", new TrainingPipeline(s3, BUCKET, rek.backend(BUCKET), parameters,
                    systemState, new RunRecorder(new JdbcRunStore(h2), Clock.systemUTC()), NOTIFIER, Clock.systemUTC(),
                    TrainingPipeline.DEFAULT_CHALLENGER_TOLERANCE));
        }
    }

    @BeforeAll
    static void startParts() throws Exception {
        dir = Files.createTempDirectory("training-routes");
        server = new LocalS3Server(dir.resolve("s3"), 0).start(BUCKET);
        s3 = LocalStoreClient.of(server);
        rek = RekognitionStubs.start("modelloop");
        rek.projectExists();
        h2 = new H2Database(dir.resolve("modelloop"));
        FileParameterStore store = new FileParameterStore(dir.resolve("parameters.properties"));
        parameters = new ParameterService(store, NOTIFIER);
        parameters.start();
        systemState = new SystemStateRepository(store, Clock.systemUTC());
        for (String label : new String[] {"cat", "dog"}) {
            for (int i = 0; i < 6; i++) {
                String key = "images_labeled_by_folder/" + label + "/img-" + i + ".jpg";
                s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(new byte[] {(byte) 0xFF, (byte) 0xD8, 1}));
            }
        }
    }

    @AfterAll
    static void stopParts() {
        rek.close();
        s3.close();
        server.close();
        h2.close();
    }

    @Test
    void eachTickTakesTheBranchOfThePhaseUntilTheCandidateServes() {
        String old = rek.version("v-old").completesWithF1(0.85).stoppingFor(1).alreadyRunning().arn();
        rek.anyVersion().trainingFor(1).completesWithF1(0.93).startingFor(1).install();
        systemState.update(s -> s.withRunningModelVersion(old).withTrainedImageCount(0));
        TrainingPipeline pipeline = context.getRegistry().lookupByNameAndType("trainingPipeline", TrainingPipeline.class);
        ProducerTemplate tick = context.createProducerTemplate();

        tick.sendBody("direct:progress", null);
        assertThat(completed("gate-and-start-candidate") + completed("switch-and-stop-previous")
                + completed("ask-backend-again")).as("no run in progress: no branch").isZero();

        pipeline.check("manual");
        assertThat(systemState.load().trainingRunInProgress().phase()).isEqualTo(SystemState.TrainingRun.Phase.TRAINING);
        for (int i = 0; i < 20 && systemState.load().trainingRunInProgress() != null; i++) {
            tick.sendBody("direct:progress", null);
        }

        SystemState s = systemState.load();
        assertThat(s.trainingRunInProgress()).as("the run ended within 20 ticks").isNull();
        assertThat(s.runningModelVersion()).isNotEqualTo(old).contains("project/modelloop/version/modelloop-");
        assertThat(completed("gate-and-start-candidate")).isPositive();
        assertThat(completed("switch-and-stop-previous")).isPositive();
        assertThat(rek.requests("StopProjectVersion")).singleElement()
                .satisfies(r -> assertThat(r.path("ProjectVersionArn").asText()).isEqualTo(old));
        assertThat(NOTIFIER.all()).extracting(RecordingNotifier.Sent::event)
                .containsSubsequence("TrainingStarted", "TrainingCompleted", "ModelDeploying", "ModelRunning");
    }

    long completed(String processorId) {
        return RouteCounters.completed(context, processorId);
    }
}
