package io.modelloop;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.modelloop.config.ConfigurationException;
import io.modelloop.testing.AwsStubs;
import io.modelloop.testing.Fixture;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `--profile aws` without what it needs stops with one line naming what is missing and how to
 * provide it (the CLI prints a ConfigurationException's message as that line), not an SDK stack trace.
 */
class AwsStartupCheckTest {

    @TempDir
    static Path dir;
    static AwsStubs aws;
    static int n;

    @BeforeAll
    static void start() throws Exception {
        aws = AwsStubs.start(dir.resolve("s3"));
    }

    @AfterAll
    static void stop() throws Exception {
        aws.close();
    }

    static String startFailure(Map<String, String> extra) {
        Throwable t = catchThrowable(() -> {
            try (ModelLoop loop = aws.startLoop(dir.resolve("data-" + (++n)), extra)) {
                // started: no failure to report
            }
        });
        assertThat(t).isInstanceOf(ConfigurationException.class);
        assertThat(t.getMessage()).doesNotContain("\n");
        return t.getMessage();
    }

    @Test
    void aMissingBucketIsNamedWithHowToCreateIt() {
        assertThat(startFailure(Map.of("modelloop.bucket", "no-such-bucket")))
                .contains("S3 bucket no-such-bucket", "does not exist", "modelloop bootstrap", "MODELLOOP_BUCKET");
    }

    @Test
    void aMissingTopicIsNamedWithHowToCreateIt() {
        String missing = "arn:aws:sns:us-east-1:123456789012:gone";
        aws.sns.stubFor(post(urlEqualTo("/")).atPriority(1).withFormParam("Action", equalTo("GetTopicAttributes"))
                .withFormParam("TopicArn", equalTo(missing))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "text/xml")
                        .withBody(AwsStubs.snsError("NotFound", "Topic does not exist"))));
        assertThat(startFailure(Map.of("modelloop.notify.sns.topic-arn", missing)))
                .contains("SNS topic " + missing, "does not exist", "modelloop bootstrap", "MODELLOOP_NOTIFY_SNS_TOPIC_ARN");
    }

    @Test
    void anUnreachableEndpointIsNamed() {
        String nowhere = "http://127.0.0.1:" + Fixture.freePort();
        assertThat(startFailure(Map.of("modelloop.s3.endpoint", nowhere)))
                .contains("Cannot reach S3 at " + nowhere, "MODELLOOP_S3_ENDPOINT");
    }

    @Test
    void missingCredentialsSayHowToGiveThem() {
        String key = System.getProperty("aws.accessKeyId");
        String secret = System.getProperty("aws.secretAccessKey");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        System.setProperty("aws.disableEc2Metadata", "true");
        System.setProperty("aws.sharedCredentialsFile", dir.resolve("no-credentials").toString());
        System.setProperty("aws.configFile", dir.resolve("no-config").toString());
        try {
            assertThat(startFailure(Map.of())).contains("No AWS credentials", "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "IRSA");
        } finally {
            System.setProperty("aws.accessKeyId", key);
            System.setProperty("aws.secretAccessKey", secret);
            System.clearProperty("aws.disableEc2Metadata");
            System.clearProperty("aws.sharedCredentialsFile");
            System.clearProperty("aws.configFile");
        }
    }
}
