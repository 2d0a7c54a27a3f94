package io.modelloop;

import io.modelloop.config.PortCheck;
import io.modelloop.config.Settings;
import io.modelloop.detection.DetectionStore;
import io.modelloop.detection.DetectionStores;
import io.modelloop.notify.CamelNotifier;
import io.modelloop.notify.NotificationFormatter;
import io.modelloop.notify.NotificationLog;
import io.modelloop.notify.NotificationLogs;
import io.modelloop.notify.NotificationRecorder;
import io.modelloop.notify.NotificationSinkHealth;
import io.modelloop.notify.NotificationSinks;
import io.modelloop.ops.NotificationSinksHealthCheck;
import io.modelloop.ops.ObjectStoreHealthCheck;
import io.modelloop.ops.ParametersHealthCheck;
import io.modelloop.parameters.ParameterVariables;
import io.modelloop.parameters.ParameterService;
import io.modelloop.parameters.ParameterStore;
import io.modelloop.parameters.ParameterStores;
import io.modelloop.ops.LeadershipHealthCheck;
import io.modelloop.runs.RunStores;
import io.modelloop.schedule.LeaderElection;
import io.modelloop.schedule.TimerPlacement;
import io.modelloop.schedule.WorkflowTimer;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.storage.AwsClients;
import io.modelloop.storage.AwsStartupCheck;
import io.modelloop.storage.BucketLayout;
import io.modelloop.storage.ImageLinks;
import io.modelloop.storage.IncompleteUploads;
import io.modelloop.storage.H2Database;
import io.modelloop.storage.LocalObjectRepair;
import io.modelloop.storage.LocalS3Server;
import io.modelloop.model.ModelBackend;
import io.modelloop.model.ModelBackends;
import io.modelloop.runs.RunRecorder;
import io.modelloop.runs.RunStore;
import io.modelloop.training.ChallengerGate;
import io.modelloop.training.CurrentLabels;
import io.modelloop.training.TrainingPipeline;
import io.modelloop.trigger.SqsTrigger;
import io.modelloop.trigger.Triggers;
import io.modelloop.detection.DetectionWiring;
import io.modelloop.review.HumanReview;
import io.modelloop.review.HumanReviews;
import io.modelloop.web.InstanceEndpoint;
import io.modelloop.web.WebConsole;
import io.modelloop.web.auth.UserDirectory;
import io.modelloop.web.auth.WebAuthSettings;
import io.modelloop.web.ReviewApi;
import io.modelloop.web.DetectionApi;
import io.modelloop.web.ModelApi;
import io.modelloop.web.NotificationApi;
import io.modelloop.web.RunApi;
import io.modelloop.web.ParameterApi;
import io.modelloop.web.StatusApi;
import java.nio.file.Files;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * One running ModelLoop: the local S3 store when the profile wants it, then Camel Main with the
 * YAML workflow routes, the Java routes, the HTTP servers and the parameter-driven timers.
 */
public final class ModelLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelLoop.class);

    private final Settings settings;
    private final Main main = new Main();
    private final CountDownLatch started = new CountDownLatch(1);
    private LocalS3Server localS3;
    private S3Client s3;
    private SqsClient sqs;
    private String s3Endpoint;
    private ParameterService parameters;
    private SystemStateRepository systemState;
    private final NotificationSinkHealth sinkHealth = new NotificationSinkHealth();
    private NotificationSinks sinks;
    private final CamelNotifier notifier = new CamelNotifier(Clock.systemUTC());
    private List<WorkflowTimer> timers = List.of();
    private volatile Throwable startFailure;
    private volatile String firstOperatorPassword;
    private WebConsole webConsole;
    private Thread runner;
    private RunStore runStore;
    private DetectionStore detectionStore;
    private NotificationLog notificationLog;
    private AwsClients awsClients;
    private H2Database h2;
    private DynamoDbClient dynamo;
    private ModelBackend modelBackend;
    private TrainingPipeline trainingPipeline;
    private HumanReview humanReview;
    private ImageLinks imageLinks;
    private LeaderElection election;

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
        sinks = NotificationSinks.from(settings);
        Files.createDirectories(settings.dataDir());
        election = LeaderElection.create(settings);
        String bucket = settings.bucket();
        AwsClients clients = new AwsClients(settings);
        awsClients = clients;
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
        }
        main.setOverrideProperties(camelProperties);
        main.bind("s3Client", s3);
        if (!settings.isLocal()) {
            main.bind("ssmClient", clients.ssm());
            main.bind("snsClient", clients.sns());
        }
        if (sqs != null) {
            main.bind("sqsClient", sqs);
        }
        main.bind("notifier", notifier);
        main.bind("notificationFormatter", new NotificationFormatter("ModelLoop " + settings.profile()));
        main.addMainListener(new Wiring(bucket));
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
        closeQuietly(detectionStore, "detection store");
        closeQuietly(runStore, "run store");
        closeQuietly(notificationLog, "notification log");
        synchronized (this) {
            if (h2 != null) {
                h2.close();
            }
            if (dynamo != null) {
                dynamo.close();
            }
        }
        if (modelBackend instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("Model backend did not close cleanly: {}", e.getMessage());
            }
        }
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
        return parameters;
    }

    public SystemStateRepository systemState() {
        return systemState;
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
        return modelBackend;
    }

    public HumanReview humanReview() {
        return humanReview;
    }

    public TrainingPipeline trainingPipeline() {
        return trainingPipeline;
    }

    public RunStore runStore() {
        return runStore;
    }

    /** Detections and human loops (H2 locally, DynamoDB on AWS; modelloop.detections.store). */
    public DetectionStore detectionStore() {
        return detectionStore;
    }

    /** Every notification sent, for the console (same store as the run records). */
    public NotificationLog notificationLog() {
        return notificationLog;
    }

    /** The embedded database file data/modelloop, opened when a store uses it. */
    private synchronized H2Database h2() {
        if (h2 == null) {
            h2 = new H2Database(settings.dataDir().resolve("modelloop"));
        }
        return h2;
    }

    /** The DynamoDB client, built when a store uses it. */
    private synchronized DynamoDbClient dynamo() {
        if (dynamo == null) {
            dynamo = awsClients.dynamodb();
        }
        return dynamo;
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

    /** Which instance runs the timers and pollers (modelloop.leader.election). */
    public LeaderElection leaderElection() {
        return election;
    }

    public List<WorkflowTimer> timers() {
        return timers;
    }

    /** Builds what needs the CamelContext, and starts the parameters once routes run. */
    private final class Wiring extends MainListenerSupport {
        private final String bucket;

        Wiring(String bucket) {
            this.bucket = bucket;
        }

        @Override
        public void beforeConfigure(BaseMainSupport support) {
            CamelContext camel = support.getCamelContext();
            try {
                ParameterStore store = ParameterStores.create(settings, camel);
                parameters = new ParameterService(store, notifier);
                systemState = new SystemStateRepository(store, Clock.systemUTC());
                camel.getRegistry().bind("parameterService", parameters);
                camel.getRegistry().bind(ParameterVariables.BEAN_NAME, new ParameterVariables(parameters));

                // the sink routes themselves are in routes/notifications.yaml
                sinks.names().forEach(sinkHealth::register);
                camel.getRegistry().bind("notificationSinks", sinks);
                camel.getRegistry().bind("notificationSinkHealth", sinkHealth);

                // With leader election the timers and pollers run on the leader only (master: consumers);
                // SQS consumers and the HTTP servers run on every instance
                election.install(camel);
                TimerPlacement placement = election.placement();
                parameters.announceWhen(election::isLeader);
                timers = List.of(new WorkflowTimer(camel, WorkflowTimer.TRAINING, placement, election::isLeader),
                        new WorkflowTimer(camel, WorkflowTimer.SAMPLING, placement, election::isLeader));
                timers.forEach(parameters::addListener);

                runStore = RunStores.create(settings, ModelLoop.this::h2, ModelLoop.this::dynamo);
                detectionStore = DetectionStores.create(settings, ModelLoop.this::h2, ModelLoop.this::dynamo);
                camel.getRegistry().bind("detectionStore", detectionStore);
                notificationLog = NotificationLogs.create(settings, ModelLoop.this::h2, ModelLoop.this::dynamo);
                camel.getRegistry().bind("notificationRecorder", new NotificationRecorder(notificationLog));
                RunRecorder runs = new RunRecorder(runStore, Clock.systemUTC());
                // SPEC 5: a parameter change is a run too (recorded once, by the leader)
                parameters.addListener((change, now) -> {
                    if (election.isLeader()) {
                        runs.start("PARAMETER_CHANGE", Map.of("parameter", change.name(),
                        "oldValue", change.oldValue(), "newValue", change.newValue())).succeed(Map.of("applied", true));
                    }
                });
                modelBackend = ModelBackends.create(settings, s3, bucket);
                trainingPipeline = new TrainingPipeline(s3, bucket, modelBackend, parameters, systemState, runs,
                        notifier, Clock.systemUTC(), ChallengerGate.tolerance(settings.get("modelloop.training.challenger-tolerance")));
                camel.getRegistry().bind("trainingPipeline", trainingPipeline);
                CurrentLabels labels = DetectionWiring.labels(s3, bucket);
                humanReview = HumanReviews.create(settings, detectionStore, s3, bucket, Clock.systemUTC(), labels);
                imageLinks = new ImageLinks(new AwsClients(settings).s3Presigner(s3Endpoint), java.time.Duration.ofMinutes(5));
                camel.getRegistry().bind("humanReview", humanReview);
                DetectionWiring.bind(camel, settings, s3, bucket, detectionStore, humanReview, labels, modelBackend, parameters,
                        systemState, runs, notifier);
                // new images to direct:detect: S3 events from SQS, or polling the detection prefix
                Triggers.bind(camel, settings, s3);

                // the REST operations of routes/api.yaml call these beans by name
                camel.getRegistry().bind("parameterApi", new ParameterApi(parameters));
                camel.getRegistry().bind("statusApi", new StatusApi(about(), parameters, systemState, timers, sinkHealth, election));
                camel.getRegistry().bind("modelApi",
                        new ModelApi(modelBackend, systemState, camel.createProducerTemplate(), trainingPipeline, runStore));
                camel.getRegistry().bind("runApi", new RunApi(runStore));
                camel.getRegistry().bind("detectionApi",
                        new DetectionApi(detectionStore, () -> parameters.values().minimumLabelDetectionConfidence(), s3));
                camel.getRegistry().bind("reviewApi", new ReviewApi(humanReview, imageLinks::link,
                        Boolean.parseBoolean(settings.get("modelloop.review.show-detected-label").trim())));
                camel.getRegistry().bind("notificationApi", new NotificationApi(notificationLog));
                UserDirectory users = new UserDirectory(WebAuthSettings.usersFile(settings), settings.asMap());
                firstOperatorPassword = WebAuthSettings.createFirstOperator(settings, users);
                if (users.isEmpty()) {
                    LOG.warn("No console users are configured: nobody can sign in. Add NAME=ROLE:HASH lines to {} "
                            + "(hashes from `modelloop hash-password`)", users.file());
                }
                webConsole = new WebConsole(WebAuthSettings.authenticator(settings, users,
                        WebAuthSettings.newCliToken(settings)), settings.get("modelloop.web.secure-cookies"),
                        WebAuthSettings.trustedProxies(settings));
                if (localS3 != null) {
                    camel.addRoutes(localRepairRoute());
                }

                HealthCheckRegistry health = HealthCheckRegistry.get(camel);
                health.register(new ObjectStoreHealthCheck(s3, bucket));
                health.register(new ParametersHealthCheck(parameters));
                health.register(new NotificationSinksHealthCheck(sinkHealth));
                health.register(new LeadershipHealthCheck(election));
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        @Override
        public void beforeStart(BaseMainSupport main) {
            // Camel Main adds its HTTP server service after configuring; the console must start after it
            try {
                main.getCamelContext().addService(webConsole);
            } catch (Exception e) {
                throw new IllegalStateException("Installing the web console failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void afterStart(BaseMainSupport main) {
            try {
                CamelContext camel = main.getCamelContext();
                notifier.attach(camel.createProducerTemplate());
                LeadershipHealthCheck.registerGauge(camel, election);
                parameters.start();
                for (WorkflowTimer t : timers) {
                    t.install(parameters.values());
                }
                InstanceEndpoint.of(settings).write(settings.dataDir());
                printBanner();
            } catch (Exception e) {
                startFailure = e;
                ModelLoop.this.main.completed();
            } finally {
                started.countDown();
            }
        }
    }

    private RouteBuilder localRepairRoute() {
        LocalObjectRepair repair = new LocalObjectRepair(settings.dataDir().resolve(settings.bucket()), 1000);
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:local-object-repair?period=2000&delay=2000").routeId("local-object-repair")
                        .routeDescription("Registers files copied straight into data/bucket as S3 objects")
                        .process(e -> repair.repair());
            }
        };
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
        if (firstOperatorPassword != null) {
            b.append("    sign in as 'operator' with password ").append(firstOperatorPassword)
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
        b.append("  Parameters      : ").append(parameters.location()).append('\n');
        if (settings.getBoolean("modelloop.dev")) {
            b.append("  Dev mode        : routes in ").append(CamelSettings.routesDir(settings)).append(" reload on save\n");
        }
        System.out.println(b);
    }
}
