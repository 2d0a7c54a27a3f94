package io.modelloop.model;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.modelloop.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Rekognition Custom Labels backend against WireMock speaking Rekognition's JSON 1.1
 * protocol (POST /, X-Amz-Target RekognitionService.*): what the SDK sends for each port call,
 * how the answers (shapes from the AWS API reference) map onto the port, and how errors and
 * retries behave. The client is built by the production factory with 3 attempts and a 5 ms
 * back-off base, credentials from the default chain (dummy system properties).
 */
class RekognitionModelBackendTest {

    static final String PROJECT = "modelloop-test";
    static final String PROJECT_ARN = "arn:aws:rekognition:us-east-1:123456789012:project/modelloop-test/1767225600000";
    static final String BUCKET = "modelloop-bucket";
    static final String V1_NAME = "modelloop-20260101-120000";
    static final String V1 = PROJECT_ARN.replace("/1767225600000", "") + "/version/" + V1_NAME + "/1767268800123";
    static final int ATTEMPTS = 3;

    static final ObjectMapper JSON = new ObjectMapper();
    static WireMockServer wm;
    static String previousKey;
    static String previousSecret;

    RekognitionClient client;
    RekognitionModelBackend backend;

    @BeforeAll
    static void startWireMock() {
        previousKey = System.getProperty("aws.accessKeyId");
        previousSecret = System.getProperty("aws.secretAccessKey");
        System.setProperty("aws.accessKeyId", "AKIATESTONLYDUMMY000");
        System.setProperty("aws.secretAccessKey", "dummy-secret-key-for-tests-only-0000000");
        wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
    }

    @AfterAll
    static void stopWireMock() {
        wm.stop();
        restore("aws.accessKeyId", previousKey);
        restore("aws.secretAccessKey", previousSecret);
    }

    @BeforeEach
    void newBackend() {
        wm.resetAll();
        client = RekognitionClients.build("us-east-1", wm.baseUrl(), ATTEMPTS, Duration.ofMillis(5));
        backend = new RekognitionModelBackend(client, PROJECT, BUCKET);
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    // ------------------------------------------------------------------ project

    @Test
    void projectFoundByNameAcrossPagesIsUsedAndNotCreated() {
        // the first page is empty but has a NextToken; the project is on the second
        wm.stubFor(call("DescribeProjects").withRequestBody(notContaining("NextToken"))
                .willReturn(ok("{\"NextToken\":\"page-2\",\"ProjectDescriptions\":[]}")));
        wm.stubFor(call("DescribeProjects").withRequestBody(matchingJsonPath("$.NextToken", equalTo("page-2")))
                .willReturn(ok("{\"ProjectDescriptions\":[" + project(PROJECT_ARN) + "]}")));
        wm.stubFor(call("DescribeProjectVersions").willReturn(ok("{\"ProjectVersionDescriptions\":[]}")));

        backend.listVersions();
        backend.listVersions();

        List<JsonNode> describes = bodies("DescribeProjects");
        assertThat(describes).hasSize(2); // two pages, once: the ARN is cached afterwards
        assertThat(describes.get(0).path("ProjectNames")).hasSize(1);
        assertThat(describes.get(0).path("ProjectNames").get(0).asText()).isEqualTo(PROJECT);
        assertThat(count("CreateProject")).isZero();
        assertThat(bodies("DescribeProjectVersions")).hasSize(2)
                .allSatisfy(b -> assertThat(b.path("ProjectArn").asText()).isEqualTo(PROJECT_ARN));
        assertThat(backend.projectArn()).isEqualTo(PROJECT_ARN);
    }

    @Test
    void missingProjectIsCreatedAndItsArnUsedForTraining() {
        String created = "arn:aws:rekognition:us-east-1:123456789012:project/modelloop-test/1767300000000";
        wm.stubFor(call("DescribeProjects").willReturn(ok("{\"ProjectDescriptions\":[]}")));
        wm.stubFor(call("CreateProject").willReturn(ok("{\"ProjectArn\":\"" + created + "\"}")));
        wm.stubFor(call("CreateProjectVersion").willReturn(ok("{\"ProjectVersionArn\":\"" + V1 + "\"}")));

        backend.createVersion(request());

        assertThat(bodies("CreateProject")).singleElement()
                .satisfies(b -> assertThat(b.path("ProjectName").asText()).isEqualTo(PROJECT));
        assertThat(bodies("CreateProjectVersion").get(0).path("ProjectArn").asText()).isEqualTo(created);
    }

    @Test
    void projectCreatedConcurrentlyElsewhereIsLookedUpAgain() {
        // nothing listed; our CreateProject loses the race (ResourceInUseException); now it is listed
        wm.stubFor(call("DescribeProjects").inScenario("race").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(ok("{\"ProjectDescriptions\":[]}")));
        wm.stubFor(call("CreateProject").inScenario("race").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("created elsewhere")
                .willReturn(error(400, "ResourceInUseException", "The specified resource is already being used.")));
        wm.stubFor(call("DescribeProjects").inScenario("race").whenScenarioStateIs("created elsewhere")
                .willReturn(ok("{\"ProjectDescriptions\":[" + project(PROJECT_ARN) + "]}")));

        assertThat(backend.projectArn()).isEqualTo(PROJECT_ARN);
        assertThat(count("DescribeProjects")).isEqualTo(2);
        assertThat(count("CreateProject")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ training

    @Test
    void createVersionTrainsFromTheManifestWithAnAutomaticTestSplit() {
        projectExists();
        wm.stubFor(call("CreateProjectVersion").willReturn(ok("{\"ProjectVersionArn\":\"" + V1 + "\"}")));

        ModelVersion v = backend.createVersion(request());

        assertThat(v.id()).isEqualTo(V1);
        assertThat(v.name()).isEqualTo(V1_NAME);
        assertThat(v.status()).isEqualTo(ModelStatus.TRAINING_IN_PROGRESS);
        JsonNode body = bodies("CreateProjectVersion").get(0);
        assertThat(body.path("ProjectArn").asText()).isEqualTo(PROJECT_ARN);
        assertThat(body.path("VersionName").asText()).isEqualTo(V1_NAME);
        assertThat(body.path("OutputConfig").path("S3Bucket").asText()).isEqualTo(BUCKET);
        assertThat(body.path("OutputConfig").path("S3KeyPrefix").asText()).isEqualTo("evaluation/" + V1_NAME + "/");
        JsonNode assets = body.path("TrainingData").path("Assets");
        assertThat(assets).hasSize(1);
        JsonNode manifest = assets.get(0).path("GroundTruthManifest").path("S3Object");
        assertThat(manifest.path("Bucket").asText()).isEqualTo(BUCKET);
        assertThat(manifest.path("Name").asText()).isEqualTo("manifests/" + V1_NAME + ".manifest");
        assertThat(body.path("TestingData").path("AutoCreate").isBoolean()).isTrue();
        assertThat(body.path("TestingData").path("AutoCreate").asBoolean()).isTrue();
        assertThat(body.path("TestingData").has("Assets")).isFalse();
        wm.verify(postRequestedFor(urlEqualTo("/"))
                .withHeader("Content-Type", equalTo("application/x-amz-json-1.1"))
                .withHeader("X-Amz-Target", equalTo("RekognitionService.CreateProjectVersion")));
    }

    @Test
    void createVersionAgainAfterACrashReportsTheExistingVersion() {
        projectExists();
        wm.stubFor(call("CreateProjectVersion")
                .willReturn(error(400, "ResourceInUseException", "The version name already exists.")));
        wm.stubFor(call("DescribeProjectVersions")
                .willReturn(ok(versions(describe(V1, "TRAINING_IN_PROGRESS", "The model is being trained.", null, 1767268800.123)))));

        ModelVersion v = backend.createVersion(request());

        assertThat(v.id()).isEqualTo(V1);
        assertThat(v.status()).isEqualTo(ModelStatus.TRAINING_IN_PROGRESS);
        assertThat(count("CreateProjectVersion")).isEqualTo(1);
        assertThat(bodies("DescribeProjectVersions").get(0).path("VersionNames").get(0).asText()).isEqualTo(V1_NAME);
    }

    @Test
    void trainingLifecycleInProgressThenCompletedWithF1() {
        projectExists();
        wm.stubFor(call("DescribeProjectVersions").inScenario("training").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("trained")
                .willReturn(ok(versions(describe(V1, "TRAINING_IN_PROGRESS", "The model is being trained.", null, 1767268800.123)))));
        wm.stubFor(call("DescribeProjectVersions").inScenario("training").whenScenarioStateIs("trained")
                .willReturn(ok(versions(describe(V1, "TRAINING_COMPLETED", "The model is ready to run.", 0.93, 1767268800.123)))));

        ModelVersion first = backend.describe(V1);
        ModelVersion second = backend.describe(V1);

        assertThat(first.status()).isEqualTo(ModelStatus.TRAINING_IN_PROGRESS);
        assertThat(first.f1()).isNull();
        assertThat(second.status()).isEqualTo(ModelStatus.TRAINING_COMPLETED);
        assertThat(second.f1()).isEqualTo(0.93); // the decimal sent, not 0.9300000071525574
        assertThat(second.statusMessage()).isEqualTo("The model is ready to run.");
        assertThat(second.name()).isEqualTo(V1_NAME);
        assertThat(second.createdAt()).isEqualTo(Instant.ofEpochMilli(1767268800123L));
        assertThat(second.trainingImages()).isNull(); // no S3 client given: the summary file is not read
        assertThat(bodies("DescribeProjectVersions")).hasSize(2).allSatisfy(b -> {
            assertThat(b.path("ProjectArn").asText()).isEqualTo(PROJECT_ARN);
            assertThat(b.path("VersionNames")).hasSize(1);
            assertThat(b.path("VersionNames").get(0).asText()).isEqualTo(V1_NAME);
        });
    }

    @Test
    void trainingFailedCarriesTheStatusMessage() {
        projectExists();
        String reason = "The manifest file contains too many invalid data lines.";
        wm.stubFor(call("DescribeProjectVersions")
                .willReturn(ok(versions(describe(V1, "TRAINING_FAILED", reason, null, 1767268800.123)))));

        ModelVersion v = backend.describe(V1);

        assertThat(v.status()).isEqualTo(ModelStatus.TRAINING_FAILED);
        assertThat(v.statusMessage()).isEqualTo(reason);
        assertThat(v.f1()).isNull();
    }

    @Test
    void describeReadsTheTrainingSummaryForImageCountsAndPerLabelMetrics() {
        projectExists();
        String summaryKey = "evaluation/" + V1_NAME + "/EvaluationResultSummary-modelloop-test-" + V1_NAME + ".json";
        wm.stubFor(call("DescribeProjectVersions")
                .willReturn(ok(versions(describe(V1, "TRAINING_COMPLETED", "The model is ready to run.", 0.93, 1767268800.123)
                        .replace("\"F1Score\":0.93", "\"F1Score\":0.93,\"Summary\":{\"S3Object\":{\"Bucket\":\"" + BUCKET
                                + "\",\"Name\":\"" + summaryKey + "\"}}")))));
        wm.stubFor(get(urlEqualTo("/" + BUCKET + "/" + summaryKey)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"Version":1,
                         "AggregatedEvaluationResults":{"F1Score":0.93,"Precision":0.94,"Recall":0.92},
                         "EvaluationDetails":{"EvaluationEndTimestamp":"2026-01-01T13:10:00.000000",
                           "Labels":["cat","dog"],"NumberOfTestingImages":40,"NumberOfTrainingImages":160,
                           "ProjectVersionArn":"%s"},
                         "LabelEvaluationResults":[
                           {"Label":"cat","Metrics":{"F1Score":0.95,"Precision":0.96,"Recall":0.94,"Threshold":0.41},"NumberOfTestingImages":22},
                           {"Label":"dog","Metrics":{"F1Score":0.9,"Precision":0.91,"Recall":0.89,"Threshold":0.38},"NumberOfTestingImages":18}]}
                        """.formatted(V1))));
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(wm.baseUrl())).forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIATESTONLYDUMMY000", "dummy")))
                .build()) {
            RekognitionModelBackend withS3 = new RekognitionModelBackend(client, PROJECT, BUCKET, s3);

            ModelVersion v = withS3.describe(V1);

            assertThat(v.f1()).isEqualTo(0.93);
            assertThat(v.trainingImages()).isEqualTo(160);
            assertThat(v.testImages()).isEqualTo(40);
            assertThat(v.perLabel()).containsOnlyKeys("cat", "dog");
            assertThat(v.perLabel().get("cat")).isEqualTo(new ModelVersion.LabelMetrics(0.96, 0.94, 0.95, 22));
        }
    }

    @Test
    void unknownVersionsAreNotFound() {
        projectExists();
        wm.stubFor(call("DescribeProjectVersions").willReturn(ok("{\"ProjectVersionDescriptions\":[]}")));
        assertThatThrownBy(() -> backend.describe(V1)).isInstanceOf(ModelVersionNotFoundException.class);

        wm.stubFor(call("DescribeProjectVersions").willReturn(error(400, "ResourceNotFoundException",
                "The resource specified in the request cannot be found.")));
        assertThatThrownBy(() -> backend.describe(V1)).isInstanceOf(ModelVersionNotFoundException.class);
        assertThat(count("DescribeProjectVersions")).isEqualTo(2); // not retried

        // a version of another project, or not an ARN: no call at all
        wm.resetRequests();
        String otherProject = V1.replace("project/modelloop-test/", "project/someone-else/");
        assertThatThrownBy(() -> backend.describe(otherProject)).isInstanceOf(ModelVersionNotFoundException.class);
        assertThatThrownBy(() -> backend.describe(V1_NAME)).isInstanceOf(ModelVersionNotFoundException.class);
        assertThat(count("DescribeProjectVersions")).isZero();
    }

    @Test
    void listVersionsFollowsPagesAndPutsTheNewestFirst() {
        projectExists();
        String v2 = V1.replace(V1_NAME, "v2").replace("1767268800123", "1767355200000");
        String v3 = V1.replace(V1_NAME, "v3").replace("1767268800123", "1767441600000");
        wm.stubFor(call("DescribeProjectVersions").withRequestBody(notContaining("NextToken"))
                .willReturn(ok("{\"NextToken\":\"more\",\"ProjectVersionDescriptions\":["
                        + describe(V1, "STOPPED", "The model is stopped.", 0.81, 1767268800.123) + ","
                        + describe(v3, "TRAINING_IN_PROGRESS", "The model is being trained.", null, 1767441600.0) + "]}")));
        wm.stubFor(call("DescribeProjectVersions").withRequestBody(matchingJsonPath("$.NextToken", equalTo("more")))
                .willReturn(ok(versions(describe(v2, "RUNNING", "The model is running.", 0.88, 1767355200.0)))));

        List<ModelVersion> list = backend.listVersions();

        assertThat(list).extracting(ModelVersion::id).containsExactly(v3, v2, V1);
        assertThat(list).extracting(ModelVersion::status)
                .containsExactly(ModelStatus.TRAINING_IN_PROGRESS, ModelStatus.RUNNING, ModelStatus.STOPPED);
        assertThat(list.get(1).f1()).isEqualTo(0.88);
        assertThat(bodies("DescribeProjectVersions")).hasSize(2).allSatisfy(b -> {
            assertThat(b.path("ProjectArn").asText()).isEqualTo(PROJECT_ARN);
            assertThat(b.has("VersionNames")).isFalse();
        });
    }

    @Test
    void cancelTrainingIsNotPossibleAndSendsNothing() {
        assertThat(backend.cancelTraining(V1)).isFalse();
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    // ------------------------------------------------------------------ serving

    @Test
    void startAsksForTheInferenceUnitsThenStartingBecomesRunning() {
        projectExists();
        wm.stubFor(call("StartProjectVersion").willReturn(ok("{\"Status\":\"STARTING\"}")));
        wm.stubFor(call("DescribeProjectVersions").inScenario("start").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("running")
                .willReturn(ok(versions(describe(V1, "STARTING", "The model is starting.", 0.93, 1767268800.123)))));
        wm.stubFor(call("DescribeProjectVersions").inScenario("start").whenScenarioStateIs("running")
                .willReturn(ok(versions(describe(V1, "RUNNING", "The model is running.", 0.93, 1767268800.123)))));

        backend.start(V1, 2);

        JsonNode body = bodies("StartProjectVersion").get(0);
        assertThat(body.path("ProjectVersionArn").asText()).isEqualTo(V1);
        assertThat(body.path("MinInferenceUnits").asInt()).isEqualTo(2);
        assertThat(body.has("MaxInferenceUnits")).isFalse();
        assertThat(backend.describe(V1).status()).isEqualTo(ModelStatus.STARTING);
        assertThat(backend.describe(V1).status()).isEqualTo(ModelStatus.RUNNING);
    }

    @Test
    void startingAVersionThatIsAlreadyRunningIsNotAnError() {
        projectExists();
        wm.stubFor(call("StartProjectVersion").willReturn(error(400, "ResourceInUseException",
                "The specified resource is already being used.")));
        wm.stubFor(call("DescribeProjectVersions")
                .willReturn(ok(versions(describe(V1, "RUNNING", "The model is running.", 0.93, 1767268800.123)))));

        backend.start(V1, 1);

        assertThat(count("StartProjectVersion")).isEqualTo(1);
    }

    @Test
    void startingAFailedTrainingIsRefused() {
        projectExists();
        wm.stubFor(call("StartProjectVersion").willReturn(error(400, "ResourceInUseException",
                "The specified resource is already being used.")));
        wm.stubFor(call("DescribeProjectVersions")
                .willReturn(ok(versions(describe(V1, "TRAINING_FAILED", "Training failed.", null, 1767268800.123)))));

        assertThatThrownBy(() -> backend.start(V1, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TRAINING_FAILED");
    }

    @Test
    void stopThenStoppingBecomesStopped() {
        projectExists();
        wm.stubFor(call("StopProjectVersion").willReturn(ok("{\"Status\":\"STOPPING\"}")));
        wm.stubFor(call("DescribeProjectVersions").inScenario("stop").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("stopped")
                .willReturn(ok(versions(describe(V1, "STOPPING", "The model is being stopped.", 0.93, 1767268800.123)))));
        wm.stubFor(call("DescribeProjectVersions").inScenario("stop").whenScenarioStateIs("stopped")
                .willReturn(ok(versions(describe(V1, "STOPPED", "The model is stopped.", 0.93, 1767268800.123)))));

        backend.stop(V1);

        assertThat(bodies("StopProjectVersion")).singleElement()
                .satisfies(b -> assertThat(b.path("ProjectVersionArn").asText()).isEqualTo(V1));
        assertThat(backend.describe(V1).status()).isEqualTo(ModelStatus.STOPPING);
        assertThat(backend.describe(V1).status()).isEqualTo(ModelStatus.STOPPED);
    }

    @Test
    void classifyAsksForEveryLabelOfTheS3ImageAndPutsTheTopLabelFirst() {
        String key = "images_for_detection/red flower+ü.jpg";
        wm.stubFor(call("DetectCustomLabels").willReturn(ok("""
                {"CustomLabels":[
                  {"Name":"dog","Confidence":12.5},
                  {"Name":"cat","Confidence":87.3},
                  {"Name":"bird","Confidence":0.2}]}""")));

        Classification c = backend.classify(V1, new ImageRef(BUCKET, key));

        assertThat(c.label()).isEqualTo("cat");
        assertThat(c.confidence()).isEqualTo(87.3);
        assertThat(c.labels()).containsExactly(new Classification.LabelScore("cat", 87.3),
                new Classification.LabelScore("dog", 12.5), new Classification.LabelScore("bird", 0.2));
        JsonNode body = bodies("DetectCustomLabels").get(0);
        assertThat(body.path("ProjectVersionArn").asText()).isEqualTo(V1);
        assertThat(body.path("Image").path("S3Object").path("Bucket").asText()).isEqualTo(BUCKET);
        assertThat(body.path("Image").path("S3Object").path("Name").asText()).isEqualTo(key);
        assertThat(body.path("Image").has("Bytes")).isFalse();
        assertThat(body.path("MinConfidence").isNumber()).isTrue();
        assertThat(body.path("MinConfidence").asDouble()).isZero();
        assertThat(count("DescribeProjects")).isZero(); // classifying needs no project look-up
    }

    @Test
    void classifyWithNoLabelReturnsNoLabelAndZeroConfidence() {
        wm.stubFor(call("DetectCustomLabels").willReturn(ok("{\"CustomLabels\":[]}")));

        Classification c = backend.classify(V1, new ImageRef(BUCKET, "images_for_detection/blank.png"));

        assertThat(c.label()).isNull();
        assertThat(c.confidence()).isZero();
        assertThat(c.labels()).isEmpty();
    }

    // ------------------------------------------------------------------ errors and retries

    @ParameterizedTest
    @CsvSource({
            "400, ThrottlingException, Rate exceeded",
            "400, ProvisionedThroughputExceededException, The number of requests exceeded your throughput limit.",
            "500, InternalServerError, Amazon Rekognition experienced a service issue. Try your call again."})
    void throttlingAndServerErrorsAreRetriedUntilSuccess(int status, String type, String message) {
        wm.stubFor(call("DetectCustomLabels").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("failed once").willReturn(error(status, type, message)));
        wm.stubFor(call("DetectCustomLabels").inScenario("flaky").whenScenarioStateIs("failed once")
                .willSetStateTo("failed twice").willReturn(error(status, type, message)));
        wm.stubFor(call("DetectCustomLabels").inScenario("flaky").whenScenarioStateIs("failed twice")
                .willReturn(ok("{\"CustomLabels\":[{\"Name\":\"cat\",\"Confidence\":91.0}]}")));

        Classification c = backend.classify(V1, new ImageRef(BUCKET, "images_for_detection/a.jpg"));

        assertThat(c.label()).isEqualTo("cat");
        assertThat(count("DetectCustomLabels")).isEqualTo(3);
    }

    @Test
    void persistentThrottlingGivesUpAfterTheBoundedAttempts() {
        wm.stubFor(call("DetectCustomLabels").willReturn(error(400, "ThrottlingException", "Rate exceeded")));

        assertThatThrownBy(() -> backend.classify(V1, new ImageRef(BUCKET, "images_for_detection/a.jpg")))
                .isInstanceOf(TransientModelException.class)
                .hasMessageContaining("DetectCustomLabels")
                .hasMessageContaining("ThrottlingException")
                .hasMessageContaining("Rate exceeded")
                .hasMessageContaining("after " + ATTEMPTS + " attempts");
        assertThat(count("DetectCustomLabels")).isEqualTo(ATTEMPTS);
    }

    @Test
    void retryCountComesFromConfiguration() {
        Settings settings = Settings.load(Path.of("config"), Map.of(
                "camel.main.profile", "aws",
                "modelloop.aws.region", "us-east-1",
                "modelloop.rekognition.endpoint", wm.baseUrl(),
                "modelloop.rekognition.retry.attempts", "2",
                "modelloop.rekognition.retry.base-delay-ms", "1"));
        wm.stubFor(call("DetectCustomLabels").willReturn(error(400, "ThrottlingException", "Rate exceeded")));

        try (RekognitionClient configured = RekognitionClients.fromSettings(settings)) {
            RekognitionModelBackend b = new RekognitionModelBackend(configured, PROJECT, BUCKET);
            assertThatThrownBy(() -> b.classify(V1, new ImageRef(BUCKET, "images_for_detection/a.jpg")))
                    .isInstanceOf(TransientModelException.class);
        }
        assertThat(count("DetectCustomLabels")).isEqualTo(2);
    }

    @Test
    void modelNotReadyMeansNoRunningModelAndIsNotRetried() {
        wm.stubFor(call("DetectCustomLabels").willReturn(error(400, "ResourceNotReadyException",
                "The requested resource isn't ready. The project version is not running.")));

        assertThatThrownBy(() -> backend.classify(V1, new ImageRef(BUCKET, "images_for_detection/a.jpg")))
                .isInstanceOf(NoRunningModelException.class)
                .hasMessageContaining("not running");
        assertThat(count("DetectCustomLabels")).isEqualTo(1);
    }

    @Test
    void noDeployedVersionMeansNoRunningModelWithoutACall() {
        assertThatThrownBy(() -> backend.classify(null, new ImageRef(BUCKET, "images_for_detection/a.jpg")))
                .isInstanceOf(NoRunningModelException.class);
        assertThat(wm.getAllServeEvents()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "InvalidImageFormatException, Request has invalid image format",
            "ImageTooLargeException, Image size is too large.",
            "InvalidS3ObjectException, Unable to get object metadata from S3. Check object key, region and/or access permissions."})
    void badImagesAreInvalidWithTheAwsMessageAndNotRetried(String type, String message) {
        wm.stubFor(call("DetectCustomLabels").willReturn(error(400, type, message)));

        assertThatThrownBy(() -> backend.classify(V1, new ImageRef(BUCKET, "images_for_detection/not-an-image.jpg")))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage(message);
        assertThat(count("DetectCustomLabels")).isEqualTo(1);
    }

    @Test
    void accessDeniedNamesTheMissingPermission() {
        wm.stubFor(call("DetectCustomLabels").willReturn(error(400, "AccessDeniedException",
                "User: arn:aws:sts::123456789012:assumed-role/modelloop/pod is not authorized to perform:"
                        + " rekognition:DetectCustomLabels")));

        assertThatThrownBy(() -> backend.classify(V1, new ImageRef(BUCKET, "images_for_detection/a.jpg")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs the IAM permission rekognition:DetectCustomLabels");
        assertThat(count("DetectCustomLabels")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ helpers

    static TrainingRequest request() {
        return new TrainingRequest(V1_NAME, BUCKET, "manifests/" + V1_NAME + ".manifest", "evaluation/" + V1_NAME + "/", 120);
    }

    static MappingBuilder call(String operation) {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("RekognitionService." + operation));
    }

    static ResponseDefinitionBuilder ok(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString()).withBody(body);
    }

    static ResponseDefinitionBuilder error(int status, String type, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString())
                .withHeader("x-amzn-ErrorType", type)
                .withBody("{\"__type\":\"" + type + "\",\"Message\":\"" + message + "\"}");
    }

    void projectExists() {
        wm.stubFor(call("DescribeProjects").willReturn(ok("{\"ProjectDescriptions\":[" + project(PROJECT_ARN) + "]}")));
    }

    static String project(String arn) {
        return "{\"CreationTimestamp\":1767225600.0,\"Feature\":\"CUSTOM_LABELS\",\"ProjectArn\":\"" + arn
                + "\",\"Status\":\"CREATED\",\"Datasets\":[]}";
    }

    static String versions(String description) {
        return "{\"ProjectVersionDescriptions\":[" + description + "]}";
    }

    /** A ProjectVersionDescription as DescribeProjectVersions returns it. */
    static String describe(String arn, String status, String message, Double f1, double createdEpochSeconds) {
        StringBuilder d = new StringBuilder("{\"ProjectVersionArn\":\"").append(arn).append('"')
                .append(",\"CreationTimestamp\":").append(createdEpochSeconds)
                .append(",\"Status\":\"").append(status).append('"')
                .append(",\"StatusMessage\":\"").append(message).append('"')
                .append(",\"Feature\":\"CUSTOM_LABELS\"")
                .append(",\"OutputConfig\":{\"S3Bucket\":\"").append(BUCKET).append("\",\"S3KeyPrefix\":\"evaluation/\"}")
                .append(",\"TestingDataResult\":{\"Input\":{\"AutoCreate\":true}}");
        if (f1 != null) {
            d.append(",\"BillableTrainingTimeInSeconds\":2718")
                    .append(",\"TrainingEndTimestamp\":").append(createdEpochSeconds + 3600)
                    .append(",\"EvaluationResult\":{\"F1Score\":").append(f1).append('}');
        }
        if ("RUNNING".equals(status) || "STARTING".equals(status)) {
            d.append(",\"MinInferenceUnits\":1,\"MaxInferenceUnits\":1");
        }
        return d.append('}').toString();
    }

    static List<JsonNode> bodies(String operation) {
        return wm.findAll(postRequestedFor(urlEqualTo("/"))
                        .withHeader("X-Amz-Target", equalTo("RekognitionService." + operation)))
                .stream().map(r -> json(r.getBodyAsString())).toList();
    }

    static int count(String operation) {
        return bodies(operation).size();
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
