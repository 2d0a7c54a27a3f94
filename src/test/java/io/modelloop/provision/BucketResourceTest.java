package io.modelloop.provision;

import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.testing.AwsStubs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bootstrap creating the bucket, against S3Proxy behind a recording WireMock proxy
 * (AwsAccountStubs): the CreateBucket body names the region, also for regions newer than the
 * SDK's BucketLocationConstraint enum, and us-east-1 sends none (the S3 API reference:
 * without a LocationConstraint the bucket is made in us-east-1).
 */
class BucketResourceTest {

    @TempDir
    Path tmp;

    AwsStubs aws;
    AwsAccountStubs stubs;

    @BeforeEach
    void start() throws Exception {
        aws = AwsStubs.start(tmp.resolve("s3"));
        stubs = new AwsAccountStubs(aws);
    }

    @AfterEach
    void stop() throws Exception {
        stubs.close();
        aws.close();
    }

    private Outcome ensure(String bucket, String region) {
        try (AwsContext ctx = new AwsContext(aws.settings(tmp.resolve("data"), Map.of("modelloop.s3.endpoint", stubs.s3.baseUrl(),
                "modelloop.bucket", bucket, "modelloop.aws.region", region)))) {
            return new BucketResource(ctx).ensure();
        }
    }

    private String createBucketBody(String bucket) {
        var puts = stubs.s3.findAll(putRequestedFor(urlEqualTo("/" + bucket)));
        assertThat(puts).as("CreateBucket of " + bucket).hasSize(1);
        return puts.get(0).getBodyAsString();
    }

    private boolean exists(String bucket) {
        try (var s3 = aws.s3Client()) {
            return s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket));
        }
    }

    @Test
    void regionsMissingFromTheSdksEnumAreSentByName() {
        // none of these is a BucketLocationConstraint constant in SDK 2.40.2
        for (String region : List.of("mx-central-1", "ca-west-1", "ap-east-2", "ap-southeast-6", "ap-southeast-7")) {
            String bucket = "modelloop-" + region;

            assertThat(ensure(bucket, region).status()).isEqualTo(Outcome.CREATED);

            assertThat(createBucketBody(bucket)).contains("<LocationConstraint>" + region + "</LocationConstraint>")
                    .doesNotContain("null");
            assertThat(exists(bucket)).isTrue();
        }
    }

    @Test
    void aRegionOfTheEnumIsSentTooAndUsEast1SendsNoConfiguration() {
        ensure("modelloop-eu", "eu-west-1");
        assertThat(createBucketBody("modelloop-eu")).contains("<LocationConstraint>eu-west-1</LocationConstraint>");

        ensure("modelloop-use1", "us-east-1");
        assertThat(createBucketBody("modelloop-use1")).doesNotContain("LocationConstraint");
        assertThat(exists("modelloop-use1")).isTrue();
    }
}
