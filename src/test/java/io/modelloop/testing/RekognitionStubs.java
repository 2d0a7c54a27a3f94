package io.modelloop.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.modelloop.model.RekognitionClients;
import io.modelloop.model.RekognitionModelBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.rekognition.RekognitionClient;

/**
 * Rekognition Custom Labels for tests: a WireMock server answering the JSON 1.1 protocol
 * (POST /, {@code X-Amz-Target: RekognitionService.<Operation>}) with the response shapes of the
 * AWS API reference, and a whole model-version lifecycle as a WireMock scenario.
 *
 * <pre>{@code
 * try (RekognitionStubs rek = RekognitionStubs.start("modelloop")) {
 *     rek.projectExists();
 *     String arn = rek.version("v1")
 *             .trainingFor(2).completesWithF1(0.93)   // 2 describes TRAINING_IN_PROGRESS, then TRAINING_COMPLETED
 *             .startingFor(1).stoppingFor(1)          // 1 describe STARTING then RUNNING; 1 STOPPING then STOPPED
 *             .detects("cat", 91.5, "dog", 8.5)       // DetectCustomLabels while RUNNING
 *             .install().arn();
 *     ModelBackend backend = rek.backend("my-bucket"); // or settings() for RekognitionClients.fromSettings
 *     ...
 *     assertThat(rek.count("StartProjectVersion")).isEqualTo(1);
 *     assertThat(rek.requests("StartProjectVersion").get(0).path("MinInferenceUnits").asInt()).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>One version's states, in order (scenario {@code rekognition-version-<name>}):
 * <ul>
 *   <li>{@code not-created}: DescribeProjectVersions lists nothing (the backend reports "not found");
 *       CreateProjectVersion with the version name answers its ARN and moves on;</li>
 *   <li>{@code training-1..N}: each describe answers TRAINING_IN_PROGRESS and moves one step;</li>
 *   <li>{@code trained} (TRAINING_COMPLETED, F1) or {@code training-failed} (TRAINING_FAILED, message);</li>
 *   <li>StartProjectVersion in {@code trained} or {@code stopped}: {@code starting-1..N} (STARTING) then
 *       {@code running}: RUNNING, and DetectCustomLabels answers the labels;</li>
 *   <li>StopProjectVersion in {@code running}: {@code stopping-1..N} (STOPPING) then {@code stopped}.</li>
 * </ul>
 * Anywhere else, like Rekognition: StartProjectVersion and StopProjectVersion answer
 * ResourceInUseException, DetectCustomLabels ResourceNotReadyException. F1 stays in every
 * describe after training. Versions are independent (each its own scenario), so blue/green
 * switches can be stubbed with two versions. {@link #anyVersion()} accepts whatever version
 * name the application chooses (one version at a time). DescribeProjectVersions without
 * VersionNames (the backend's listVersions) is not stubbed, nor are training summary files
 * (EvaluationResult carries F1Score only, unless {@link Version#evaluatedPerLabel} names a summary
 * file, which the test puts in the bucket).
 *
 * <p>{@link #failNext} and {@link #failAlways} inject errors (throttling, 5xx, ...) in front of
 * everything else. {@link #server()} is there for anything more. Dummy credentials are set as
 * the system properties the SDK's default chain reads, for the life of the stubs: close in the
 * reverse order of start when combined with {@link AwsStubs} (try-with-resources does).
 */
public final class RekognitionStubs implements AutoCloseable {

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "123456789012";
    /** The timestamp part of every version ARN these stubs make (version names are unique in a project). */
    public static final String VERSION_TIMESTAMP = "1767268800123";
    public static final String TARGET_PREFIX = "RekognitionService.";

    private static final String PROJECT_TIMESTAMP = "1767225600000";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AMZ_JSON = "application/x-amz-json-1.1";
    // named versions resolve among their own stubs before anyVersion() stubs; injected errors come first
    private static final int ERROR_PRIORITY = 1;
    private static final int NAMED = 3;
    private static final int NAMED_FALLBACK = 4;
    private static final int ANY = 6;
    private static final int ANY_FALLBACK = 7;
    private static final int PROJECT = 9;

    private final WireMockServer server;
    private final String projectName;
    private final String previousKey;
    private final String previousSecret;
    private final List<RekognitionClient> clients = new ArrayList<>();
    private int errorScenarios;

    private RekognitionStubs(String projectName) {
        this.projectName = projectName;
        previousKey = System.getProperty("aws.accessKeyId");
        previousSecret = System.getProperty("aws.secretAccessKey");
        System.setProperty("aws.accessKeyId", AwsStubs.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", AwsStubs.SECRET_KEY);
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    /** A WireMock server on a free port standing in for Rekognition, for this project name. */
    public static RekognitionStubs start(String projectName) {
        return new RekognitionStubs(projectName);
    }

    public WireMockServer server() {
        return server;
    }

    public String endpoint() {
        return server.baseUrl();
    }

    public String projectName() {
        return projectName;
    }

    public String projectArn() {
        return "arn:aws:rekognition:" + REGION + ":" + ACCOUNT + ":project/" + projectName + "/" + PROJECT_TIMESTAMP;
    }

    /** The ARN these stubs give the version of that name. */
    public String versionArn(String versionName) {
        return "arn:aws:rekognition:" + REGION + ":" + ACCOUNT + ":project/" + projectName + "/version/" + versionName
                + "/" + VERSION_TIMESTAMP;
    }

    /** Settings that make {@code RekognitionClients.fromSettings} use these stubs: 3 attempts, 1 ms back-off base. */
    public Map<String, String> settings() {
        return Map.of("modelloop.aws.region", REGION,
                "modelloop.rekognition.endpoint", endpoint(),
                "modelloop.rekognition.retry.attempts", "3",
                "modelloop.rekognition.retry.base-delay-ms", "1");
    }

    /** A client of these stubs built by the production factory (closed with the stubs). */
    public RekognitionClient client(int maxAttempts) {
        RekognitionClient client = RekognitionClients.build(REGION, endpoint(), maxAttempts, Duration.ofMillis(1));
        clients.add(client);
        return client;
    }

    /** The backend on a client of these stubs with 3 attempts per call. */
    public RekognitionModelBackend backend(String bucket) {
        return new RekognitionModelBackend(client(3), projectName, bucket);
    }

    // ---------------------------------------------------------------- project

    /** DescribeProjects lists the project; CreateProject answers ResourceInUseException as AWS would. */
    public RekognitionStubs projectExists() {
        server.stubFor(call("DescribeProjects").atPriority(PROJECT).willReturn(ok(projects(true))));
        server.stubFor(call("CreateProject").atPriority(PROJECT)
                .willReturn(error("ResourceInUseException", "The specified resource is already being used.")));
        return this;
    }

    /** DescribeProjects lists nothing until CreateProject (answering {@link #projectArn()}) is called. */
    public RekognitionStubs projectMissing() {
        String scenario = "rekognition-project";
        server.stubFor(call("DescribeProjects").atPriority(PROJECT).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willReturn(ok(projects(false))));
        server.stubFor(call("CreateProject").atPriority(PROJECT).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("created")
                .willReturn(ok("{\"ProjectArn\":\"" + projectArn() + "\"}")));
        server.stubFor(call("DescribeProjects").atPriority(PROJECT).inScenario(scenario)
                .whenScenarioStateIs("created").willReturn(ok(projects(true))));
        server.stubFor(call("CreateProject").atPriority(PROJECT).inScenario(scenario)
                .whenScenarioStateIs("created")
                .willReturn(error("ResourceInUseException", "The specified resource is already being used.")));
        return this;
    }

    private String projects(boolean listed) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("ProjectDescriptions");
        if (listed) {
            ObjectNode p = list.addObject();
            p.put("CreationTimestamp", 1.767225600E9);
            p.put("Feature", "CUSTOM_LABELS");
            p.put("ProjectArn", projectArn());
            p.put("Status", "CREATED");
            p.putArray("Datasets");
        }
        return body.toString();
    }

    // ---------------------------------------------------------------- versions

    /** The lifecycle of the version with this name; configure it, then {@link Version#install()}. */
    public Version version(String versionName) {
        return new Version(versionName);
    }

    /** The lifecycle of whatever version name the application chooses (one version at a time). */
    public Version anyVersion() {
        return new Version(null);
    }

    /** One version's lifecycle; every setter returns this, {@link #install()} stubs it. */
    public final class Version {
        private final String name;
        private int training = 1;
        private Double f1;
        private String failure;
        private int starting = 1;
        private int stopping = 1;
        private final Map<String, Double> labels = new LinkedHashMap<>();
        private final Map<String, Double> labelF1 = new LinkedHashMap<>();
        private String summaryBucket;
        private boolean installed;

        private Version(String name) {
            this.name = name;
        }

        /** Describes answering TRAINING_IN_PROGRESS after CreateProjectVersion (default 1). */
        public Version trainingFor(int describes) {
            training = requireNotNegative(describes);
            return this;
        }

        /** Training ends TRAINING_COMPLETED with this EvaluationResult.F1Score. */
        public Version completesWithF1(double f1) {
            this.f1 = f1;
            this.failure = null;
            return this;
        }

        /** Training ends TRAINING_FAILED with this StatusMessage. */
        public Version failsWith(String statusMessage) {
            this.failure = statusMessage;
            this.f1 = null;
            return this;
        }

        /** Describes answering STARTING after StartProjectVersion (default 1). */
        public Version startingFor(int describes) {
            starting = requireNotNegative(describes);
            return this;
        }

        /** Describes answering STOPPING after StopProjectVersion (default 1). */
        public Version stoppingFor(int describes) {
            stopping = requireNotNegative(describes);
            return this;
        }

        /** DetectCustomLabels while RUNNING answers these labels, in this order: {@code "cat", 91.5, "dog", 8.5}. */
        public Version detects(Object... labelConfidencePairs) {
            if (labelConfidencePairs.length % 2 != 0) {
                throw new IllegalArgumentException("give label, confidence pairs");
            }
            labels.clear();
            for (int i = 0; i < labelConfidencePairs.length; i += 2) {
                labels.put((String) labelConfidencePairs[i], ((Number) labelConfidencePairs[i + 1]).doubleValue());
            }
            return this;
        }

        /**
         * EvaluationResult.Summary names a training summary file in this bucket with these per-label
         * F1 scores ({@code "cat", 0.95, "dog", 0.9}); put {@link #summaryJson()} at {@link #summaryKey()}
         * in that bucket for the backend to read it.
         */
        public Version evaluatedPerLabel(String bucket, Object... labelF1Pairs) {
            if (labelF1Pairs.length % 2 != 0) {
                throw new IllegalArgumentException("give label, F1 pairs");
            }
            summaryBucket = bucket;
            labelF1.clear();
            for (int i = 0; i < labelF1Pairs.length; i += 2) {
                labelF1.put((String) labelF1Pairs[i], ((Number) labelF1Pairs[i + 1]).doubleValue());
            }
            return this;
        }

        /** Where the summary file is said to be (one per stubbed version, whatever name the application chooses). */
        public String summaryKey() {
            return "evaluation/stub-summaries/" + (name == null ? "any-version" : name) + ".json";
        }

        /**
         * The training summary file's content (EvaluationResultSummary shape: AggregatedEvaluationResults,
         * EvaluationDetails, LabelEvaluationResults with Metrics and NumberOfTestingImages), 10 test images per label.
         */
        public String summaryJson() {
            ObjectNode root = JSON.createObjectNode();
            root.put("Version", 1);
            root.putObject("AggregatedEvaluationResults").put("F1Score", f1 == null ? 0 : f1);
            ObjectNode details = root.putObject("EvaluationDetails");
            details.put("NumberOfTrainingImages", 40 * labelF1.size());
            details.put("NumberOfTestingImages", 10 * labelF1.size());
            ArrayNode names = details.putArray("Labels");
            ArrayNode results = root.putArray("LabelEvaluationResults");
            labelF1.forEach((label, score) -> {
                names.add(label);
                ObjectNode r = results.addObject();
                r.put("Label", label);
                r.putObject("Metrics").put("F1Score", score).put("Precision", score).put("Recall", score).put("Threshold", 0.5);
                r.put("NumberOfTestingImages", 10);
            });
            return root.toString();
        }

        /** The version's ARN (named versions only: {@link #anyVersion()} has none until the application names it). */
        public String arn() {
            if (name == null) {
                throw new IllegalStateException("anyVersion() has no ARN before the application names it; use versionArn(name)");
            }
            return versionArn(name);
        }

        public String scenario() {
            return "rekognition-version-" + (name == null ? "*" : name);
        }

        /** The version's current state (see the class comment). */
        public String state() {
            return server.getAllScenarios().getScenarios().stream().filter(s -> s.getName().equals(scenario()))
                    .map(s -> Scenario.STARTED.equals(s.getState()) ? "not-created" : s.getState())
                    .findFirst().orElse("not-created");
        }

        /** As if CreateProjectVersion had already been called (e.g. before a restart). */
        public Version alreadyCreated() {
            return moveTo(training > 0 ? "training-1" : outcome());
        }

        /** As if the version had already been trained and started. */
        public Version alreadyRunning() {
            if (failure != null) {
                throw new IllegalStateException("a failed training cannot be running");
            }
            return moveTo("running");
        }

        private Version moveTo(String state) {
            if (!installed) {
                install();
            }
            server.setScenarioState(scenario(), state);
            return this;
        }

        private String outcome() {
            return failure != null ? "training-failed" : "trained";
        }

        /** Stubs every state of this version. */
        public Version install() {
            if (installed) {
                return this;
            }
            if (f1 == null && failure == null) {
                throw new IllegalStateException("say how training ends: completesWithF1(..) or failsWith(..)");
            }
            installed = true;
            int priority = name == null ? ANY : NAMED;
            int fallback = name == null ? ANY_FALLBACK : NAMED_FALLBACK;

            // not created yet: nothing listed; CreateProjectVersion answers the ARN
            stub(describe(priority), Scenario.STARTED, null, ok("{\"ProjectVersionDescriptions\":[]}"));
            String arnJson = name == null ? "{{jsonPath request.body '$.VersionName'}}" : name;
            stub(byVersionName(call("CreateProjectVersion").atPriority(priority)), Scenario.STARTED,
                    training > 0 ? "training-1" : outcome(),
                    template(ok("{\"ProjectVersionArn\":\"" + versionArn(arnJson) + "\"}")));
            for (int i = 1; i <= training; i++) {
                stub(describe(priority), "training-" + i, i < training ? "training-" + (i + 1) : outcome(),
                        described("TRAINING_IN_PROGRESS", "The model is being trained.", false));
            }
            if (failure != null) {
                stub(describe(priority), "training-failed", null, described("TRAINING_FAILED", failure, false));
            } else {
                stub(describe(priority), "trained", null, described("TRAINING_COMPLETED", "The model is ready to run.", false));
                for (String from : List.of("trained", "stopped")) {
                    stub(byArn(call("StartProjectVersion").atPriority(priority)), from,
                            starting > 0 ? "starting-1" : "running", ok("{\"Status\":\"STARTING\"}"));
                }
                for (int i = 1; i <= starting; i++) {
                    stub(describe(priority), "starting-" + i, i < starting ? "starting-" + (i + 1) : "running",
                            described("STARTING", "The model is starting.", true));
                }
                stub(describe(priority), "running", null, described("RUNNING", "The model is running.", true));
                stub(byArn(call("DetectCustomLabels").atPriority(priority)), "running", null, ok(customLabels()));
                stub(byArn(call("StopProjectVersion").atPriority(priority)), "running",
                        stopping > 0 ? "stopping-1" : "stopped", ok("{\"Status\":\"STOPPING\"}"));
                for (int i = 1; i <= stopping; i++) {
                    stub(describe(priority), "stopping-" + i, i < stopping ? "stopping-" + (i + 1) : "stopped",
                            described("STOPPING", "The model is being stopped.", false));
                }
                stub(describe(priority), "stopped", null, described("STOPPED", "The model is stopped.", false));
            }
            // anywhere else, as Rekognition answers
            server.stubFor(byArn(call("StartProjectVersion").atPriority(fallback))
                    .willReturn(error("ResourceInUseException", "The specified resource is already being used.")));
            server.stubFor(byArn(call("StopProjectVersion").atPriority(fallback))
                    .willReturn(error("ResourceInUseException", "The specified resource is already being used.")));
            server.stubFor(byArn(call("DetectCustomLabels").atPriority(fallback))
                    .willReturn(error("ResourceNotReadyException",
                            "The requested resource isn't ready. The project version is not running.")));
            return this;
        }

        private void stub(MappingBuilder mapping, String state, String next, ResponseDefinitionBuilder response) {
            ScenarioMappingBuilder m = mapping.inScenario(scenario()).whenScenarioStateIs(state);
            if (next != null) {
                m = m.willSetStateTo(next);
            }
            server.stubFor(m.willReturn(response));
        }

        private MappingBuilder describe(int priority) {
            MappingBuilder m = call("DescribeProjectVersions").atPriority(priority);
            return name == null
                    ? m.withRequestBody(matchingJsonPath("$.VersionNames[0]"))
                    : m.withRequestBody(matchingJsonPath("$.VersionNames[0]", equalTo(name)));
        }

        private MappingBuilder byVersionName(MappingBuilder m) {
            return name == null ? m : m.withRequestBody(matchingJsonPath("$.VersionName", equalTo(name)));
        }

        private MappingBuilder byArn(MappingBuilder m) {
            return name == null
                    ? m.withRequestBody(matchingJsonPath("$.ProjectVersionArn", containing(":project/" + projectName + "/version/")))
                    : m.withRequestBody(matchingJsonPath("$.ProjectVersionArn", equalTo(versionArn(name))));
        }

        /** A DescribeProjectVersions answer with this version's ProjectVersionDescription. */
        private ResponseDefinitionBuilder described(String status, String message, boolean serving) {
            String arn = versionArn(name == null ? "{{jsonPath request.body '$.VersionNames[0]'}}" : name);
            ObjectNode d = JSON.createObjectNode();
            d.put("ProjectVersionArn", arn);
            d.put("CreationTimestamp", Double.parseDouble(VERSION_TIMESTAMP) / 1000);
            d.put("Status", status);
            d.put("StatusMessage", message);
            d.put("Feature", "CUSTOM_LABELS");
            d.putObject("TestingDataResult").putObject("Input").put("AutoCreate", true);
            if (f1 != null && !"TRAINING_IN_PROGRESS".equals(status)) {
                d.put("BillableTrainingTimeInSeconds", 2718);
                d.put("TrainingEndTimestamp", Double.parseDouble(VERSION_TIMESTAMP) / 1000 + 3600);
                ObjectNode evaluation = d.putObject("EvaluationResult").put("F1Score", f1);
                if (summaryBucket != null) {
                    evaluation.putObject("Summary").putObject("S3Object").put("Bucket", summaryBucket).put("Name", summaryKey());
                }
            }
            if (serving) {
                d.put("MinInferenceUnits", 1);
            }
            ObjectNode body = JSON.createObjectNode();
            body.putArray("ProjectVersionDescriptions").add(d);
            return template(ok(body.toString()));
        }

        private ResponseDefinitionBuilder template(ResponseDefinitionBuilder response) {
            return name == null ? response.withTransformers("response-template") : response;
        }

        private String customLabels() {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode list = body.putArray("CustomLabels");
            labels.forEach((label, confidence) -> list.addObject().put("Name", label).put("Confidence", confidence));
            return body.toString();
        }
    }

    private static int requireNotNegative(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("a number of describes cannot be negative: " + n);
        }
        return n;
    }

    // ---------------------------------------------------------------- errors

    /**
     * The next {@code times} calls of the operation fail with this error (HTTP 500 for
     * InternalServerError, else 400, as Rekognition answers), before any other stub; later calls
     * get the normal answers. Example: {@code failNext("DetectCustomLabels", 2, "ThrottlingException", "Rate exceeded")}.
     */
    public RekognitionStubs failNext(String operation, int times, String errorType, String message) {
        String scenario = "rekognition-fail-" + operation + "-" + (++errorScenarios);
        for (int i = 0; i < times; i++) {
            server.stubFor(call(operation).atPriority(ERROR_PRIORITY).inScenario(scenario)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "failed-" + i)
                    .willSetStateTo("failed-" + (i + 1))
                    .willReturn(error(errorType, message)));
        }
        return this;
    }

    /** Every call of the operation fails with this error from now on. */
    public RekognitionStubs failAlways(String operation, String errorType, String message) {
        server.stubFor(call(operation).atPriority(ERROR_PRIORITY).willReturn(error(errorType, message)));
        return this;
    }

    // ---------------------------------------------------------------- requests

    /** Calls received for one operation (e.g. "DetectCustomLabels"). */
    public int count(String operation) {
        return requests(operation).size();
    }

    /** JSON bodies received for one operation, oldest first. */
    public List<JsonNode> requests(String operation) {
        return server.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(TARGET_PREFIX + operation)))
                .stream().map(r -> json(r.getBodyAsString())).toList();
    }

    // ---------------------------------------------------------------- protocol

    public static MappingBuilder call(String operation) {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(TARGET_PREFIX + operation));
    }

    public static ResponseDefinitionBuilder ok(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", AMZ_JSON)
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString()).withBody(body);
    }

    /** A Rekognition error: {"__type": type, "Message": message}, 500 for InternalServerError, else 400. */
    public static ResponseDefinitionBuilder error(String errorType, String message) {
        ObjectNode body = JSON.createObjectNode().put("__type", errorType).put("Message", message);
        return aResponse().withStatus("InternalServerError".equals(errorType) ? 500 : 400)
                .withHeader("Content-Type", AMZ_JSON)
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString())
                .withHeader("x-amzn-ErrorType", errorType)
                .withBody(body.toString());
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            clients.forEach(RekognitionClient::close);
            server.stop();
        } finally {
            restore("aws.accessKeyId", previousKey);
            restore("aws.secretAccessKey", previousSecret);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
