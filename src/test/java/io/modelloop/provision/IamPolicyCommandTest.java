package io.modelloop.provision;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.cli.ModelLoopCommand;
import io.modelloop.config.Settings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy `modelloop iam-policy` prints, read as IAM reads it: a request is allowed when a
 * statement names the action and one of its Resource patterns matches the request's resource.
 * What the request's resource is comes from the Service Authorization Reference: an action with
 * no resource type (rekognition:DescribeProjects, rekognition:CreateProject) is evaluated
 * against "*", which only a "*" Resource matches. No AWS account is involved: --account is given.
 */
class IamPolicyCommandTest {

    static final String ACCOUNT = "123456789012";
    static final String BUCKET = "modelloop-iam-test";
    static final String OBJECTS = "arn:aws:s3:::" + BUCKET + "/";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    // the command quietens these loggers for its own process; later tests in this JVM need them back
    private final Map<String, Level> levels = Map.of(
            "io.modelloop", LogManager.getLogger("io.modelloop").getLevel(),
            "software.amazon.awssdk", LogManager.getLogger("software.amazon.awssdk").getLevel());

    @AfterEach
    void restoreLevels() {
        levels.forEach(Configurator::setLevel);
    }

    /** Runs iam-policy with these settings and returns the printed policy. */
    private JsonNode printed(Map<String, String> settings, String... args) throws Exception {
        Map<String, String> o = new HashMap<>(settings);
        o.put("camel.main.profile", "aws");
        o.put("modelloop.bucket", BUCKET);
        o.put("modelloop.aws.region", "eu-west-1");
        o.put("modelloop.data", tmp.resolve("data").toString());
        Path config = Files.createDirectories(tmp.resolve("config-" + System.nanoTime()));
        Properties p = new Properties();
        p.putAll(Settings.load(Path.of("config"), o).asMap());
        try (Writer w = Files.newBufferedWriter(config.resolve("application.properties"))) {
            p.store(w, null);
        }
        Files.writeString(config.resolve("application-aws.properties"), "");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = ModelLoopCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("iam-policy", "--account", ACCOUNT));
        all.addAll(List.of(args));
        all.addAll(List.of("--profile", "aws", "--config", config.toString()));
        assertThat(cl.execute(all.toArray(String[]::new))).as(err.toString()).isZero();
        return JSON.readTree(out.toString());
    }

    static Map<String, String> rekognitionAndSqs() {
        return Map.of("modelloop.model.backend", "rekognition", "modelloop.trigger", "sqs");
    }

    static List<JsonNode> statements(JsonNode policy) {
        return StreamSupport.stream(policy.path("Statement").spliterator(), false).toList();
    }

    static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /** IAM's wildcard match of a Resource pattern: * any run of characters (slashes included), ? one character. */
    static boolean matches(String pattern, String resource) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return resource.matches(regex.toString());
    }

    static boolean allows(JsonNode policy, String action, String resource) {
        return statements(policy).stream().anyMatch(st -> "Allow".equals(st.path("Effect").asText())
                && texts(st.path("Action")).contains(action)
                && texts(st.path("Resource")).stream().anyMatch(r -> matches(r, resource)));
    }

    @Test
    void rekognitionActionsWithoutAResourceTypeAreGrantedOnStarInOneStatementAndNothingElseIs() throws Exception {
        for (JsonNode policy : List.of(printed(rekognitionAndSqs()), printed(rekognitionAndSqs(), "--bootstrap"))) {
            // the calls bootstrap and every training make first: on AWS these are evaluated against "*"
            assertThat(allows(policy, "rekognition:DescribeProjects", "*")).as(policy.toString()).isTrue();
            assertThat(allows(policy, "rekognition:CreateProject", "*")).isTrue();

            List<JsonNode> onStar = statements(policy).stream().filter(st -> texts(st.path("Resource")).contains("*")).toList();
            assertThat(onStar).hasSize(1);
            assertThat(onStar.get(0).path("Sid").asText()).isEqualTo(IamPolicy.NO_RESOURCE_TYPE);
            assertThat(texts(onStar.get(0).path("Resource"))).containsExactly("*");
            assertThat(texts(onStar.get(0).path("Action")))
                    .containsExactlyInAnyOrder("rekognition:DescribeProjects", "rekognition:CreateProject");
            for (JsonNode st : statements(policy)) {
                if (st != onStar.get(0)) {
                    assertThat(texts(st.path("Resource"))).as(st.path("Sid").asText())
                            .allSatisfy(r -> assertThat(r).startsWith("arn:aws:").doesNotContain(":*:"));
                }
            }
        }
        String version = "arn:aws:rekognition:eu-west-1:" + ACCOUNT + ":project/modelloop/version/v7/1700000000001";
        JsonNode runtime = printed(rekognitionAndSqs());
        assertThat(allows(runtime, "rekognition:DetectCustomLabels", version)).isTrue();
        assertThat(allows(runtime, "rekognition:StartProjectVersion", version)).isTrue();
        assertThat(allows(runtime, "rekognition:DetectCustomLabels", "*")).as("only the two actions go on *").isFalse();
    }

    @Test
    void withTheBuiltInModelNothingIsGrantedOnStar() throws Exception {
        JsonNode policy = printed(Map.of("modelloop.trigger", "sqs"));

        assertThat(statements(policy)).allSatisfy(st -> assertThat(texts(st.path("Resource"))).doesNotContain("*"));
        assertThat(allows(policy, "rekognition:DescribeProjects", "*")).isFalse();
    }

    @Test
    void rekognitionMayReadTheTrainingSetManifestsAndImagesAsTheCallerAndWriteItsEvaluation() throws Exception {
        JsonNode policy = printed(rekognitionAndSqs());
        String bucket = "arn:aws:s3:::" + BUCKET;

        // Custom Labels Developer Guide, "Accessing external Amazon S3 buckets"
        for (String action : List.of("s3:GetBucketAcl", "s3:GetBucketLocation", "s3:ListBucket")) {
            assertThat(allows(policy, action, bucket)).as(action).isTrue();
        }
        for (String key : List.of("images_labeled_by_folder/cat/c 1.jpg", "manifests/v7.manifest", "images_for_detection/x.png")) {
            for (String action : List.of("s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectVersion", "s3:GetObjectTagging")) {
                assertThat(allows(policy, action, OBJECTS + key)).as(action + " " + key).isTrue();
            }
        }
        assertThat(allows(policy, "s3:PutObject", OBJECTS + "evaluation/v7/summary.json")).isTrue();
        // narrowed to the layout: nothing beyond what Rekognition reads
        assertThat(allows(policy, "s3:GetObjectAcl", OBJECTS + "a2i-human-loop-data/x/output.json")).isFalse();
        assertThat(allows(policy, "s3:GetBucketAcl", "arn:aws:s3:::someone-elses-bucket")).isFalse();
    }

    @Test
    void theBuiltInModelGetsNoneOfRekognitionsBucketPermissions() throws Exception {
        JsonNode policy = printed(Map.of("modelloop.trigger", "sqs"));

        assertThat(allows(policy, "s3:GetBucketAcl", "arn:aws:s3:::" + BUCKET)).isFalse();
        assertThat(allows(policy, "s3:GetObjectAcl", OBJECTS + "images_labeled_by_folder/cat/c1.jpg")).isFalse();
    }
}
