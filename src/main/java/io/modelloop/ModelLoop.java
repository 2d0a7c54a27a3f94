package io.modelloop;

import io.modelloop.config.PortCheck;
import io.modelloop.config.Settings;
import io.modelloop.detection.DetectionConfiguration;
import io.modelloop.detection.DetectionStore;
import io.modelloop.model.ModelBackend;
import io.modelloop.model.backends.ModelConfiguration;
import io.modelloop.notify.NotificationLog;
import io.modelloop.notify.NotificationSinks;
import io.modelloop.notify.NotifyConfiguration;
import io.modelloop.parameters.ParameterService;
import io.modelloop.parameters.ParametersConfiguration;
import io.modelloop.review.HumanReview;
import io.modelloop.review.ReviewConfiguration;
import io.modelloop.runs.RunStore;
import io.modelloop.runs.RunsConfiguration;
import io.modelloop.schedule.LeaderElection;
import io.modelloop.schedule.LeadershipHealthCheck;
import io.modelloop.schedule.ScheduleConfiguration;
import io.modelloop.schedule.WorkflowTimer;
import io.modelloop.state.StateConfiguration;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.storage.AwsClients;
import io.modelloop.storage.AwsStartupCheck;
import io.modelloop.storage.BucketLayout;
import io.modelloop.storage.IncompleteUploads;
import io.modelloop.storage.LocalObjectRepair;
import io.modelloop.storage.LocalS3Server;
import io.modelloop.storage.StorageConfiguration;
import io.modelloop.training.TrainingConfiguration;
import io.modelloop.training.TrainingPipeline;
import io.modelloop.trigger.SqsTrigger;
import io.modelloop.trigger.TriggerConfiguration;
import io.modelloop.trigger.Triggers;
import io.modelloop.web.InstanceEndpoint;
import io.modelloop.web.WebConfiguration;
import io.modelloop.web.auth.WebAuthSettings;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * One running ModelLoop. Before Camel starts: free ports, the sinks' settings, the object store
 * (the local profile's in-process store, or S3 checked once) and its prefixes. Then Camel Main
 * with the same configuration files, one configuration class per area binding the beans the
 * YAML routes name, and the parameter-driven timers once the routes run.
 */
public final class ModelLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelLoop.class);

    private final Settings settings;
    private final Main main = new Main();
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile Throwable startFailure;
    private Thread runner;
    private LocalS3Server localS3;
    private S3Client s3;
    private SqsClient sqs;
    private String s3Endpoint;
    private LeaderElection election;
    private StorageConfiguration storage;
    private NotifyConfiguration notify;
    private ParametersConfiguration parameters;
    private StateConfiguration state;
    private ScheduleConfiguration schedule;
    private RunsConfiguration runs;
    private ModelConfiguration model;
    private TrainingConfiguration training;
    private DetectionConfiguration detection;
    private ReviewConfiguration review;
    private WebConfiguration web;

    public ModelLoop(Settings settings) {
        this.settings = settings;
    }

    /** Starts everything and returns once Camel runs; throws when start-up fails. */
    public ModelLoop start() throws Exception {
        long t0 = System.nanoTime();
        PortCheck.free(settings, "modelloop.http.port", "modelloop.http.host", "0.0.0.0", "--http-port");
        PortCheck.free(settings, "modelloop.management.port", "modelloop.management.host", "0.0.0.0", "--management-port");
        if (settings.isLocal()) {
            PortCheck.free(settings, "modelloop.s3.port", null, "127.0.0.1", "--s3-port");
        }
        // a sink's missing setting ends start-up before anything starts
        NotificationSinks sinks = NotificationSinks.from(settings);
        Files.createDirectories(settings.dataDir());
        election = LeaderElection.create(settings);
        String bucket = settings.bucket();
        AwsClients clients = new AwsClients(settings);
        if (settings.isLocal()) {
            // before the store serves, so no upload can be in flight: what looks like one is a killed run's leftover
            IncompleteUploads.moveAside(settings.dataDir().resolve(bucket), settings.dataDir().resolve(IncompleteUploads.FOLDER));
            localS3 = new LocalS3Server(settings.dataDir(), settings.getInt("modelloop.s3.port")).start(bucket);
            s3Endpoint = localS3.endpoint();
            new LocalObjectRepair(settings.dataDir().resolve(bucket), 0).repair();
        } else {
            s3Endpoint = settings.get("modelloop.s3.endpoint");
        }
        s3 = clients.s3(s3Endpoint);
        if (!settings.isLocal()) {
            AwsStartupCheck.bucket(settings, s3);
            if (sinks.names().contains("sns")) {
                try (var sns = clients.sns()) {
                    AwsStartupCheck.topic(settings, sns);
                }
            }
        }
        List<String> created = BucketLayout.ensurePrefixes(s3, bucket);
        if (!created.isEmpty()) {
            LOG.info("Created bucket prefixes {} in {}", created, bucket);
        }

        // a file left by an instance that crashed would send the CLI's token to whatever holds that port now
        InstanceEndpoint.removeStale(settings.dataDir());
        main.setPropertyPlaceholderLocations(settings.locations());
        java.util.Properties camelProperties = CamelSettings.overrideProperties(settings, sinks);
        if (Triggers.kind(settings) == Triggers.Kind.SQS) {
            sqs = clients.sqs();
            camelProperties.putAll(SqsTrigger.placeholders(settings, sqs));
            main.bind("sqsClient", sqs);
        }
        main.setOverrideProperties(camelProperties);
        if (!settings.isLocal()) {
            main.bind("ssmClient", clients.ssm());
            main.bind("snsClient", clients.sns());
        }
        // in dependency order: a configuration's beans may take those of the ones before it
        storage = new StorageConfiguration(settings, clients, s3, s3Endpoint, localS3 != null);
        notify = new NotifyConfiguration(settings, sinks);
        parameters = new ParametersConfiguration(settings);
        state = new StateConfiguration();
        schedule = new ScheduleConfiguration(election);
        runs = new RunsConfiguration(settings);
        model = new ModelConfiguration(settings);
        training = new TrainingConfiguration();
        detection = new DetectionConfiguration(settings);
        review = new ReviewConfiguration(settings);
        web = new WebConfiguration(settings, about());
        for (Object c : List.of(storage, notify, parameters, state, schedule, runs, model, training, detection, review,
                new TriggerConfiguration(settings), web)) {
            main.configure().addConfiguration((org.apache.camel.CamelConfiguration) c);
        }
        main.addMainListener(new Lifecycle());
        runner = new Thread(() -> {
            try {
                main.run();
            } catch (Exception e) {
                startFailure = e;
            } finally {
                started.countDown();
            }
        }, "modelloop-main");
        runner.start();
        started.await();
        if (startFailure != null) {
            close();
            throw new IllegalStateException("ModelLoop did not start: " + startFailure.getMessage(), startFailure);
        }
        LOG.info("ModelLoop ({} profile) started in {} ms", settings.profile(), (System.nanoTime() - t0) / 1_000_000);
        return this;
    }

    /** Blocks until Camel Main stops (SIGTERM or Ctrl-C end it gracefully). */
    public void awaitShutdown() throws InterruptedException {
        runner.join();
    }

    @Override
    public void close() {
        InstanceEndpoint.of(settings).removeIfOurs(settings.dataDir());
        main.completed();
        if (runner != null) {
            try {
                runner.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(detectionStore(), "detection store");
        closeQuietly(runStore(), "run store");
        closeQuietly(notificationLog(), "notification log");
        if (storage != null) {
            storage.databases().close();
        }
        closeQuietly(modelBackend(), "model backend");
        if (localS3 != null) {
            localS3.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (sqs != null) {
            sqs.close();
        }
    }

    public CamelContext camel() {
        return main.getCamelContext();
    }

    public ParameterService parameters() {
        return parameters == null ? null : parameters.service();
    }

    public SystemStateRepository systemState() {
        return state == null ? null : state.state();
    }

    public S3Client s3() {
        return s3;
    }

    public String s3Endpoint() {
        return s3Endpoint;
    }

    /** The local profile's in-process S3 store; null in the aws profile. */
    public LocalS3Server localS3() {
        return localS3;
    }

    public Settings settings() {
        return settings;
    }

    public ModelBackend modelBackend() {
        return model == null ? null : model.backend();
    }

    public HumanReview humanReview() {
        return review == null ? null : review.review();
    }

    public TrainingPipeline trainingPipeline() {
        return training == null ? null : training.pipeline();
    }

    public RunStore runStore() {
        return runs == null ? null : runs.store();
    }

    /** Detections and human loops (H2 locally, DynamoDB on AWS; modelloop.detections.store). */
    public DetectionStore detectionStore() {
        return detection == null ? null : detection.store();
    }

    /** Every notification sent, for the console (same store as the run records). */
    public NotificationLog notificationLog() {
        return notify == null ? null : notify.log();
    }

    /** Which instance runs the timers and pollers (modelloop.leader.election). */
    public LeaderElection leaderElection() {
        return election;
    }

    public List<WorkflowTimer> timers() {
        return schedule == null ? List.of() : schedule.timers();
    }

    private static void closeQuietly(Object resource, String what) {
        if (resource instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("The {} did not close cleanly: {}", what, e.getMessage());
            }
        }
    }

    /** Starts the console after Camel Main's HTTP server, and the parameters and timers once routes run. */
    private final class Lifecycle extends MainListenerSupport {

        @Override
        public void beforeStart(BaseMainSupport support) {
            // Camel Main adds its HTTP server service after configuring; the console must start after it
            try {
                support.getCamelContext().addService(web.console());
            } catch (Exception e) {
                throw new IllegalStateException("Installing the web console failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void afterStart(BaseMainSupport support) {
            try {
                CamelContext camel = support.getCamelContext();
                notify.notifier().attach(camel.createProducerTemplate());
                LeadershipHealthCheck.registerGauge(camel, election);
                parameters().start();
                for (WorkflowTimer t : timers()) {
                    t.install(parameters().values());
                }
                InstanceEndpoint.of(settings).write(settings.dataDir());
                printBanner();
            } catch (Exception e) {
                startFailure = e;
                main.completed();
            } finally {
                started.countDown();
            }
        }
    }

    private Map<String, Object> about() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profile", settings.profile());
        m.put("bucket", settings.bucket());
        m.put("s3Endpoint", s3Endpoint == null || s3Endpoint.isBlank() ? "aws" : s3Endpoint);
        m.put("dataDir", settings.dataDir().toString());
        m.put("httpPort", settings.getInt("modelloop.http.port"));
        m.put("managementPort", settings.getInt("modelloop.management.port"));
        return m;
    }

    private void printBanner() {
        int http = settings.getInt("modelloop.http.port");
        int mgmt = settings.getInt("modelloop.management.port");
        StringBuilder b = new StringBuilder("\n  ModelLoop is running (profile ").append(settings.profile()).append(")\n");
        b.append("  Console         : http://localhost:").append(http).append("/\n");
        if (web.firstOperatorPassword() != null) {
            b.append("    sign in as 'operator' with password ").append(web.firstOperatorPassword())
             .append("  (shown only now; stored as a hash in ").append(WebAuthSettings.usersFile(settings)).append(")\n");
        }
        b.append("  JSON API        : http://localhost:").append(http).append("/api/status  (curl -u USER:PASSWORD)\n");
        b.append("  Health          : http://localhost:").append(mgmt).append("/observe/health\n");
        b.append("  Jolokia (Hawtio): http://localhost:").append(mgmt).append("/observe/jolokia\n");
        if (localS3 != null) {
            b.append("  Local S3 store  : ").append(s3Endpoint).append("  bucket '").append(settings.bucket())
             .append("' (path-style; any access key), files in ").append(settings.dataDir().resolve(settings.bucket())).append('\n');
            b.append("    e.g. aws --endpoint-url ").append(s3Endpoint).append(" s3 ls s3://").append(settings.bucket()).append("/\n");
        }
        b.append("  Parameters      : ").append(parameters().location()).append('\n');
        if (settings.getBoolean("modelloop.dev")) {
            b.append("  Dev mode        : routes in ").append(CamelSettings.routesDir(settings)).append(" reload on save\n");
        }
        System.out.println(b);
    }
}
