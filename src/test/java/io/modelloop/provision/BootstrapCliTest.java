package io.modelloop.provision;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.cli.ModelLoopCommand;
import io.modelloop.config.Settings;
import io.modelloop.testing.AwsStubs;
import io.modelloop.testing.ElasticMq;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * The bootstrap and teardown commands as an operator runs them: their exit codes, what they print
 * when AWS refuses a call, and the confirmation before data is deleted. The stores run as in
 * BootstrapTest (S3Proxy behind a notification stub, ElasticMQ, WireMock for SSM and SNS); the
 * detection and run stores stay in the embedded database, so no DynamoDB table is involved here.
 */
class BootstrapCliTest {

    @TempDir
    Path tmp;

    AwsStubs aws;
    AwsAccountStubs stubs;
    ElasticMq sqs;
    Path config;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    private final InputStream stdin = System.in;
    // the commands quieten these loggers for their own process; later tests in this JVM need them back
    private final Map<String, Level> levels = Map.of(
            "io.modelloop", LogManager.getLogger("io.modelloop").getLevel(),
            "software.amazon.awssdk", LogManager.getLogger("software.amazon.awssdk").getLevel());

    @BeforeEach
    void start() throws Exception {
        aws = AwsStubs.start(tmp.resolve("s3"));
        stubs = new AwsAccountStubs(aws);
        sqs = ElasticMq.start();
        Settings s = aws.settings(tmp.resolve("data"), Map.of("modelloop.s3.endpoint", stubs.s3.baseUrl(),
                "modelloop.trigger", "sqs", "modelloop.sqs.endpoint", sqs.endpoint()));
        // the commands read their configuration from a folder, as an operator's --config would be
        config = Files.createDirectories(tmp.resolve("config"));
        Properties p = new Properties();
        p.putAll(s.asMap());
        try (Writer w = Files.newBufferedWriter(config.resolve("application.properties"))) {
            p.store(w, null);
        }
        Files.writeString(config.resolve("application-aws.properties"), "");
    }

    @AfterEach
    void stop() throws Exception {
        System.setIn(stdin);
        levels.forEach(Configurator::setLevel);
        sqs.close();
        stubs.close();
        aws.close();
    }

    private int run(String input, String... args) {
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        var cl = ModelLoopCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--profile", "aws", "--config", config.toString(), "--data", tmp.resolve("data").toString()},
                0, all, args.length, 6);
        return cl.execute(all);
    }

    private boolean bucketExists() {
        try (var s3 = aws.s3Client()) {
            s3.headBucket(b -> b.bucket(AwsStubs.BUCKET));
            return true;
        } catch (NoSuchBucketException e) {
            return false;
        }
    }

    @Test
    void snsRefusingTheTopicStopsBootstrapWithExit3AndNamesTheAction() {
        aws.sns.stubFor(post(urlEqualTo("/")).withFormParam("Action", equalTo("CreateTopic")).atPriority(1)
                .willReturn(AwsAccountStubs.xml(403, AwsAccountStubs.snsError("Sender", "AuthorizationError",
                        "User: arn:aws:iam::123456789012:user/ops is not authorized to perform: SNS:CreateTopic"))));

        assertThat(run("", "bootstrap")).as(err.toString()).isEqualTo(3);

        assertThat(err.toString()).contains("sns:CreateTopic", "iam-policy --bootstrap");
        assertThat(out.toString()).contains("SQS queue modelloop-s3-events").doesNotContain("SSM parameter");
    }

    @Test
    void ssmRefusingParametersInItsJsonProtocolAlsoGivesExit3() {
        aws.ssm.stubFor(AwsStubs.ssmCall("PutParameter").atPriority(1).willReturn(AwsStubs.ssmJson(400,
                "{\"__type\":\"AccessDeniedException\",\"message\":\"User: arn:aws:iam::123456789012:user/ops is not authorized"
                        + " to perform: ssm:PutParameter on resource: arn:aws:ssm:us-east-1:123456789012:parameter/modelloop/test/\"}")));

        assertThat(run("", "bootstrap")).as(out.toString()).isEqualTo(3);

        assertThat(err.toString()).contains("ssm:PutParameter", "iam-policy --bootstrap");
    }

    @Test
    void teardownKeepsTheDataUnlessTheBucketNameIsTypedOrYesIsGiven() {
        assertThat(run("", "bootstrap")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("created", "SQS queue modelloop-s3-events");

        assertThat(run("not-the-bucket\n", "teardown")).isEqualTo(1);
        assertThat(err.toString()).contains("did not match");
        assertThat(out.toString()).contains("Type the bucket name (" + AwsStubs.BUCKET + ")", "kept      S3 bucket");
        assertThat(bucketExists()).isTrue();
        assertThat(sqs.client().listQueues().queueUrls()).isEmpty();

        assertThat(run("", "teardown", "--keep-data")).isZero();
        assertThat(bucketExists()).isTrue();

        assertThat(run("", "teardown", "--yes")).as(err.toString()).isZero();
        assertThat(bucketExists()).isFalse();
    }
}
