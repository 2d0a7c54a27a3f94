package io.modelloop.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a value comes from, as an operator sets it: the jar's defaults, a config folder that
 * names only what it changes, the profile's file, environment variables as Camel maps them,
 * and command-line options.
 */
class ConfigurationLayersTest {

    @TempDir
    Path tmp;

    @Test
    void aConfigFolderThatSetsOneKeyKeepsEveryOtherDefault() throws IOException {
        Files.writeString(tmp.resolve("application.properties"), "modelloop.bucket=from-folder\n");
        Settings s = Settings.load(tmp, Map.of("camel.main.profile", "aws"));
        assertThat(s.bucket()).isEqualTo("from-folder");
        assertThat(s.getInt("modelloop.http.port")).isEqualTo(8080);
        // the jar's aws file still sets what the folder does not
        assertThat(s.get("modelloop.trigger")).isEqualTo("sqs");
    }

    @Test
    void theFoldersProfileFileWinsOverItsBaseFileAndOptionsWinOverBoth() throws IOException {
        Files.writeString(tmp.resolve("application.properties"), "modelloop.poll.interval-ms=111\nmodelloop.bucket=b\n");
        Files.writeString(tmp.resolve("application-local.properties"), "modelloop.poll.interval-ms=222\n");
        assertThat(Settings.load(tmp, Map.of()).getLong("modelloop.poll.interval-ms")).isEqualTo(222);
        assertThat(Settings.load(tmp, Map.of("modelloop.poll.interval-ms", "333")).getLong("modelloop.poll.interval-ms"))
                .isEqualTo(333);
    }

    @Test
    void theCamelKeysFollowTheModelLoopKeysTheyNameAsPlaceholders() {
        Settings s = Settings.load(Path.of("config"), Map.of("modelloop.http.port", "18080"));
        assertThat(s.get("camel.server.port")).isEqualTo("18080");
        assertThat(s.get("camel.management.host")).isEqualTo("127.0.0.1");
    }

    @Test
    void anUnknownProfileOrAMissingKeyIsAClearError() {
        assertThatThrownBy(() -> Settings.load(Path.of("config"), Map.of("camel.main.profile", "prod")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("Unknown profile 'prod'")
                .hasMessageContaining("CAMEL_MAIN_PROFILE");
        Settings s = Settings.load(Path.of("config"), Map.of());
        assertThatThrownBy(() -> s.get("modelloop.no-such-key")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("modelloop.no-such-key");
        assertThatThrownBy(() -> Settings.load(Path.of("config"), Map.of("modelloop.http.port", "eighty")).getInt("modelloop.http.port"))
                .hasMessageContaining("modelloop.http.port must be a whole number, got 'eighty'");
    }

    /** The environment is read by Camel in the real process, so this runs a child JVM. */
    @Test
    void environmentVariablesChooseTheProfileAndOverrideKeys() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.modelloop.cli.App",
                "iam-policy", "--account", "123456789012", "--config", tmp.toString()));
        pb.environment().put("CAMEL_MAIN_PROFILE", "aws");
        pb.environment().put("MODELLOOP_BUCKET", "bucket-from-env");
        pb.environment().put("MODELLOOP_AWS_REGION", "eu-west-1");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        // the aws profile's policy (DynamoDB table, SSM path) for the bucket the environment named
        assertThat(out).contains("arn:aws:s3:::bucket-from-env/").contains("dynamodb:").contains("ssm:");
    }
}
