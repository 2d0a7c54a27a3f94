package io.modelloop.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
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
import com.github.tomakehurst.wiremock.http.FormParameter;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.modelloop.ModelLoop;
import io.modelloop.config.Settings;
import io.modelloop.parameters.ParameterDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * The "AWS account" of the aws-profile tests: S3Proxy in-process as S3 (filesystem blob store,
 * no authentication, so the SDK's signed requests are accepted), and WireMock answering SSM
 * (JSON 1.1, X-Amz-Target AmazonSSM.*) and SNS (Query protocol, XML replies) at the HTTP level.
 * Dummy credentials are set as the system properties the SDK's default chain reads, for the
 * life of the stubs only.
 */
public final class AwsStubs implements AutoCloseable {

    public static final String BUCKET = "modelloop-aws-test";
    public static final String PREFIX = "/modelloop/prod/";
    public static final String SSM_PATH = "/modelloop/prod";
    public static final String TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:modelloop";
    public static final String ACCESS_KEY = "AKIATESTONLYDUMMY000";
    public static final String SECRET_KEY = "dummy-secret-key-for-tests-only-0000000";
    public static final String SSM_SCENARIO = "ssm";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AMZ_JSON = "application/x-amz-json-1.1";

    private final S3Proxy s3;
    private final Path s3Root;
    public final WireMockServer ssm;
    public final WireMockServer sns;
    private final String previousKey;
    private final String previousSecret;
    private int tokens;

    private AwsStubs(Path s3Root) throws Exception {
        previousKey = System.getProperty("aws.accessKeyId");
        previousSecret = System.getProperty("aws.secretAccessKey");
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);

        this.s3Root = s3Root.toAbsolutePath();
        // the bucket: a folder of the filesystem blob store
        Files.createDirectories(this.s3Root.resolve(BUCKET));
        s3 = S3Proxy.builder().blobStore(new FilesystemNio2BlobStore(this.s3Root.toString())).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.NONE, null, null).ignoreUnknownHeaders(true).build();
        s3.start();
        while (!"STARTED".equals(s3.getState())) {
            Thread.sleep(10);
        }

        ssm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        ssm.start();
        sns = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        sns.start();
        stubTopicExists();
    }

    /** GetTopicAttributes, the aws profile's start-up check of the topic: the topic exists. */
    public void stubTopicExists() {
        sns.stubFor(post(urlEqualTo("/")).atPriority(20)
                .withFormParam("Action", equalTo("GetTopicAttributes"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                        .withBody("<GetTopicAttributesResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n"
                                + "  <GetTopicAttributesResult><Attributes><entry><key>TopicArn</key><value>" + TOPIC_ARN
                                + "</value></entry></Attributes></GetTopicAttributesResult>\n"
                                + "  <ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>\n"
                                + "</GetTopicAttributesResponse>\n")));
    }

    public static AwsStubs start(Path s3Root) throws Exception {
        return new AwsStubs(s3Root);
    }

    public String s3Endpoint() {
        return "http://127.0.0.1:" + s3.getPort();
    }

    /** A client of the S3 stub of its own, as an operator's tool would be. */
    public S3Client s3Client() {
        return S3Client.builder().endpointOverride(URI.create(s3Endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /** aws-profile settings pointing at these stubs, on a temporary data folder and free ports. */
    public Settings settings(Path dataDir, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>();
        o.put("camel.main.profile", "aws");
        o.put("modelloop.data", dataDir.toString());
        o.put("modelloop.http.port", Integer.toString(Fixture.freePort()));
        o.put("modelloop.management.port", Integer.toString(Fixture.freePort()));
        o.put("modelloop.http.host", "127.0.0.1");
        o.put("modelloop.management.host", "127.0.0.1");
        o.put("modelloop.bucket", BUCKET);
        o.put("modelloop.s3.endpoint", s3Endpoint());
        o.put("modelloop.s3.force-path-style", "true");
        o.put("modelloop.aws.region", "us-east-1");
        o.put("modelloop.parameters.ssm-endpoint", ssm.baseUrl());
        o.put("modelloop.parameters.poll-interval-ms", "300");
        o.put("modelloop.notify.sns.endpoint", sns.baseUrl());
        o.put("modelloop.notify.sns.topic-arn", TOPIC_ARN);
        o.put("modelloop.notify.retry.delay-ms", "50");
        o.putAll(Fixture.testUsers());
        // no S3-event queue here: tests that need a trigger choose one in extra
        o.put("modelloop.trigger", "none");
        // no DynamoDB stub here: detections and runs stay in the embedded database
        o.put("modelloop.detections.store", "jdbc");
        o.put("modelloop.runs.store", "jdbc");
        o.putAll(extra);
        return Settings.load(Path.of("config"), o);
    }

    public ModelLoop startLoop(Path dataDir, Map<String, String> extra) throws Exception {
        return new ModelLoop(settings(dataDir, extra)).start();
    }

    // ---------------------------------------------------------------- SSM

    /** The ten parameters with their SPEC defaults, in definition order. */
    public static Map<String, String> defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        ParameterDefinition.ALL.forEach(d -> m.put(d.name(), d.defaultValue()));
        return m;
    }

    public static MappingBuilder ssmCall(String operation) {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM." + operation));
    }

    /** PutParameter answers {"Version":1,"Tier":"Standard"} in every scenario state. */
    public void stubPutParameterOk() {
        ssm.stubFor(ssmCall("PutParameter").atPriority(10).willReturn(ssmJson(200, "{\"Version\":1,\"Tier\":\"Standard\"}")));
    }

    /**
     * GetParametersByPath for {@link #SSM_PATH} answers these parameters, pageSize per page with a
     * NextToken between pages, when the SSM scenario is in the given state (null = any state).
     */
    public void stubParametersByPath(String state, Map<String, String> values, Map<String, Long> versions, int pageSize) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(values.entrySet());
        String token = null;
        for (int from = 0; from < Math.max(entries.size(), 1); from += pageSize) {
            List<Map.Entry<String, String>> page = entries.subList(from, Math.min(entries.size(), from + pageSize));
            String next = from + pageSize < entries.size() ? "page-token-" + (++tokens) : null;
            ObjectNode body = JSON.createObjectNode();
            ArrayNode params = body.putArray("Parameters");
            for (Map.Entry<String, String> e : page) {
                params.add(parameter(e.getKey(), e.getValue(), versions.getOrDefault(e.getKey(), 1L)));
            }
            if (next != null) {
                body.put("NextToken", next);
            }
            MappingBuilder m = ssmCall("GetParametersByPath")
                    .withRequestBody(matchingJsonPath("$.Path", equalTo(SSM_PATH)));
            m = token == null
                    ? m.withRequestBody(notContaining("\"NextToken\"")).atPriority(5)
                    : m.withRequestBody(matchingJsonPath("$.NextToken", equalTo(token))).atPriority(4);
            if (state != null) {
                m = m.inScenario(SSM_SCENARIO).whenScenarioStateIs(state);
            }
            ssm.stubFor(m.willReturn(ssmJson(200, body.toString())));
            token = next;
        }
    }

    /** One version of a parameter as GetParameterHistory lists it; lastModified in epoch seconds. */
    public record SsmVersion(String value, long version, double lastModified, String user) {
    }

    /**
     * GetParameterHistory for {@code <PREFIX><name>} answers these versions (oldest first, as SSM
     * lists them), pageSize per page with a NextToken between pages. Shape from the AWS API
     * reference: Parameters [{Name, Type, Value, Version, LastModifiedDate, LastModifiedUser, ...}], NextToken.
     */
    public void stubParameterHistory(String name, List<SsmVersion> versions, int pageSize) {
        String token = null;
        for (int from = 0; from < Math.max(versions.size(), 1); from += pageSize) {
            List<SsmVersion> page = versions.subList(from, Math.min(versions.size(), from + pageSize));
            String next = from + pageSize < versions.size() ? "history-token-" + (++tokens) : null;
            ObjectNode body = JSON.createObjectNode();
            ArrayNode params = body.putArray("Parameters");
            for (SsmVersion v : page) {
                ObjectNode p = JSON.createObjectNode();
                p.put("Name", PREFIX + name);
                p.put("Type", "String");
                p.put("Value", v.value());
                p.put("Version", v.version());
                p.put("LastModifiedDate", v.lastModified());
                p.put("LastModifiedUser", v.user());
                p.put("Tier", "Standard");
                p.put("DataType", "text");
                p.putArray("Labels");
                p.putArray("Policies");
                params.add(p);
            }
            if (next != null) {
                body.put("NextToken", next);
            }
            MappingBuilder m = ssmCall("GetParameterHistory").withRequestBody(matchingJsonPath("$.Name", equalTo(PREFIX + name)));
            m = token == null
                    ? m.withRequestBody(notContaining("\"NextToken\"")).atPriority(5)
                    : m.withRequestBody(matchingJsonPath("$.NextToken", equalTo(token))).atPriority(4);
            ssm.stubFor(m.willReturn(ssmJson(200, body.toString())));
            token = next;
        }
    }

    static ObjectNode parameter(String name, String value, long version) {
        ObjectNode p = JSON.createObjectNode();
        p.put("Name", PREFIX + name);
        p.put("Type", "String");
        p.put("Value", value);
        p.put("Version", version);
        p.put("LastModifiedDate", 1.767225600123E9);
        p.put("ARN", "arn:aws:ssm:us-east-1:123456789012:parameter" + PREFIX + name);
        p.put("DataType", "text");
        return p;
    }

    public static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ssmJson(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", AMZ_JSON)
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString()).withBody(body);
    }

    /** Bodies of the SSM calls received for one operation, oldest first. */
    public List<JsonNode> ssmBodies(String operation) {
        return ssm.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM." + operation)))
                .stream().map(r -> json(r.getBodyAsString())).toList();
    }

    // ---------------------------------------------------------------- SNS

    /** Publish answers like SNS does: a PublishResponse document with a fresh MessageId. */
    public void stubPublishOk() {
        sns.stubFor(post(urlEqualTo("/")).atPriority(10)
                .withFormParam("Action", equalTo("Publish"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                        .withBody(publishResponse(UUID.randomUUID().toString(), UUID.randomUUID().toString()))));
    }

    public static String publishResponse(String messageId, String requestId) {
        return "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n"
                + "  <PublishResult>\n    <MessageId>" + messageId + "</MessageId>\n  </PublishResult>\n"
                + "  <ResponseMetadata>\n    <RequestId>" + requestId + "</RequestId>\n  </ResponseMetadata>\n"
                + "</PublishResponse>\n";
    }

    public static String snsError(String code, String message) {
        return "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n"
                + "  <Error>\n    <Type>Receiver</Type>\n    <Code>" + code + "</Code>\n    <Message>" + message
                + "</Message>\n  </Error>\n  <RequestId>" + UUID.randomUUID() + "</RequestId>\n</ErrorResponse>\n";
    }

    /** Every Publish request received, as decoded form parameters. */
    public List<Map<String, String>> publishes() {
        List<Map<String, String>> out = new ArrayList<>();
        for (LoggedRequest r : sns.findAll(postRequestedFor(urlEqualTo("/")))) {
            Map<String, String> form = new LinkedHashMap<>();
            for (Map.Entry<String, FormParameter> e : r.formParameters().entrySet()) {
                form.put(e.getKey(), e.getValue().firstValue());
            }
            if ("Publish".equals(form.get("Action"))) {
                out.add(form);
            }
        }
        return out;
    }

    /** Publish requests whose Message JSON has this event. */
    public List<Map<String, String>> publishesOf(String event) {
        return publishes().stream().filter(p -> event.equals(json(p.get("Message")).path("event").asText())).toList();
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            sns.stop();
            ssm.stop();
            s3.stop();
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
