package io.modelloop.provision;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelloop.config.Settings;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.storage.BucketLayout;
import io.modelloop.testing.AwsStubs;
import io.modelloop.testing.DynamoLocal;
import io.modelloop.testing.ElasticMq;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Bootstrap and teardown against S3Proxy (bucket, prefixes; its bucket notification API is
 * stubbed in front of it), ElasticMQ (queues), DynamoDB Local (table) and WireMock (SSM, SNS,
 * Rekognition, SageMaker).
 */
class BootstrapTest {

    static final String WORKTEAM = "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/reviewers";
    static final String ROLE = "arn:aws:iam::123456789012:role/a2i";

    @TempDir
    Path tmp;

    AwsStubs aws;
    AwsAccountStubs stubs;
    ElasticMq sqs;
    DynamoLocal dynamo;
    String table;

    @BeforeEach
    void start() throws Exception {
        aws = AwsStubs.start(tmp.resolve("s3"));
        stubs = new AwsAccountStubs(aws);
        sqs = ElasticMq.start();
        dynamo = new DynamoLocal();
        table = DynamoLocal.freshTableName("bootstrap");
        try (var s3 = aws.s3Client()) {
            // label folders already there: the task UI must not fix them as its choices
            s3.putObject(b -> b.bucket(AwsStubs.BUCKET).key(BucketLayout.LABELED + "cat/c1.jpg"), RequestBody.fromBytes(new byte[] {1}));
            s3.putObject(b -> b.bucket(AwsStubs.BUCKET).key(BucketLayout.LABELED + "dog/d1.jpg"), RequestBody.fromBytes(new byte[] {1}));
        }
    }

    @AfterEach
    void stop() throws Exception {
        dynamo.close();
        sqs.close();
        stubs.close();
        aws.close();
    }

    Settings settings() {
        Map<String, String> o = new HashMap<>();
        o.put("modelloop.s3.endpoint", stubs.s3.baseUrl());
        o.put("modelloop.trigger", "sqs");
        o.put("modelloop.sqs.endpoint", sqs.endpoint());
        o.put("modelloop.sqs.max-receive-count", "7");
        o.put("modelloop.detections.store", "dynamodb");
        o.put("modelloop.runs.store", "dynamodb");
        o.put("modelloop.detections.table", table);
        o.put("modelloop.runs.table", table);
        o.put("modelloop.model.backend", "rekognition");
        o.put("modelloop.rekognition.endpoint", stubs.rekognition.baseUrl());
        o.put("modelloop.review.backend", "a2i");
        o.put("modelloop.sagemaker.endpoint", stubs.sagemaker.baseUrl());
        o.put("modelloop.rekognition.retry.attempts", "1");
        return aws.settings(tmp.resolve("data"), o);
    }

    AwsContext context() {
        return new AwsContext(settings()).useDynamoDb(dynamo.client());
    }

    List<String> bootstrap() {
        StringWriter out = new StringWriter();
        try (AwsContext ctx = context()) {
            Bootstrap.run(ctx, new Bootstrap.Options("ops@example.com", WORKTEAM, ROLE), new PrintWriter(out, true));
        }
        return out.toString().lines().toList();
    }

    static List<String> statuses(List<String> lines) {
        return lines.stream().map(l -> l.substring(0, 9).trim()).toList();
    }

    @Test
    void firstRunCreatesEverythingSecondFindsIt() {
        List<String> first = bootstrap();

        // bucket existed (S3Proxy folder); two prefixes existed through the label images
        assertThat(first.get(0)).startsWith("exists").contains("S3 bucket " + AwsStubs.BUCKET);
        assertThat(first).filteredOn(l -> l.contains("S3 prefix")).hasSize(5);
        assertThat(first).anySatisfy(l -> assertThat(l).startsWith("created").contains("SQS dead-letter queue modelloop-s3-events-dlq"));
        assertThat(first).anySatisfy(l -> assertThat(l).startsWith("created").contains("SQS queue modelloop-s3-events"));
        assertThat(first).anySatisfy(l -> assertThat(l).startsWith("created").contains("S3 bucket notification"));
        assertThat(first).anySatisfy(l -> assertThat(l).startsWith("created").contains("SNS topic modelloop"));
        assertThat(first).anySatisfy(l -> assertThat(l).startsWith("created").contains("SNS e-mail subscription ops@example.com"));
        assertThat(first).filteredOn(l -> l.contains("SSM parameter")).hasSize(10).allSatisfy(l -> assertThat(l).startsWith("created"));
        assertThat(first).anySatisfy(l -> assertThat(l).startsWith("created").contains("DynamoDB table " + table));
        assertThat(first).anySatisfy(l -> assertThat(l).startsWith("created").contains("Rekognition project modelloop"));
        assertThat(first).anySatisfy(l -> assertThat(l).startsWith("created").contains("A2I human task UI"));
        assertThat(first).anySatisfy(l -> assertThat(l).startsWith("created").contains("A2I flow definition modelloop-review"));

        // queue, dead-letter queue and redrive policy as SQS reports them
        String url = sqs.queueUrl("modelloop-s3-events");
        Map<QueueAttributeName, String> attributes = sqs.client().getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.ALL)).attributes();
        JsonNode redrive = AwsStubs.json(attributes.get(QueueAttributeName.REDRIVE_POLICY));
        assertThat(redrive.path("deadLetterTargetArn").asText()).endsWith(":modelloop-s3-events-dlq");
        assertThat(redrive.path("maxReceiveCount").asInt()).isEqualTo(7);

        // parameters: the ten defaults, never overwriting
        List<JsonNode> puts = aws.ssmBodies("PutParameter");
        assertThat(puts).hasSize(10).allSatisfy(p -> assertThat(p.path("Overwrite").asBoolean()).isFalse());
        for (ParameterDefinition d : ParameterDefinition.ALL) {
            assertThat(puts).anySatisfy(p -> {
                assertThat(p.path("Name").asText()).isEqualTo(AwsStubs.PREFIX + d.name());
                assertThat(p.path("Value").asText()).isEqualTo(d.defaultValue());
            });
        }

        // notification: merged with the entry that was there
        List<String> notification = stubs.notificationPuts();
        assertThat(notification).hasSize(1);
        assertThat(notification.get(0)).contains("someone-elses", "<Event>s3:ObjectRemoved:*</Event>",
                "<Id>modelloop-images-for-detection</Id>", "<Value>images_for_detection/</Value>",
                "<Id>modelloop-human-loop-output</Id>", "<Value>a2i-human-loop-data/</Value>",
                "<Queue>" + AwsAccountStubs.queueArn() + "</Queue>", "<Event>s3:ObjectCreated:*</Event>");

        // A2I: a template whose choices come from each loop's input (no label fixed in it); flow with
        // work team, role, output path
        JsonNode ui = AwsAccountStubs.bodies(stubs.sagemaker, "SageMaker.CreateHumanTaskUi").get(0);
        String template = ui.path("UiTemplate").path("Content").asText();
        assertThat(template).contains("crowd-image-classifier", "categories=\"{{ task.input.labels | to_json | escape }}\"",
                "task.input.taskObject").doesNotContain("dog", "'cat'", "\"cat\"", "'None of the Above'");
        JsonNode flow = AwsAccountStubs.bodies(stubs.sagemaker, "SageMaker.CreateFlowDefinition").get(0);
        assertThat(flow.path("FlowDefinitionName").asText()).isEqualTo("modelloop-review");
        assertThat(flow.path("OutputConfig").path("S3OutputPath").asText()).isEqualTo("s3://" + AwsStubs.BUCKET + "/a2i-human-loop-data/");
        assertThat(flow.path("HumanLoopConfig").path("WorkteamArn").asText()).isEqualTo(WORKTEAM);
        assertThat(flow.path("HumanLoopConfig").path("HumanTaskUiArn").asText()).isEqualTo(AwsAccountStubs.TASK_UI_ARN);
        assertThat(flow.path("RoleArn").asText()).isEqualTo(ROLE);

        // DynamoDB: the table with TTL on ttl
        assertThat(dynamo.client().describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription().attributeName()).isEqualTo("ttl");

        List<String> second = bootstrap();
        // ElasticMQ neither stores nor reports the Policy and MessageRetentionPeriod attributes (real
        // SQS does), so on it the two queues are brought to the wanted attributes again each run
        List<String> notQueues = second.stream().filter(l -> !l.matches("^\\S+ +SQS .*")).toList();
        assertThat(statuses(notQueues)).as(String.join("\n", second)).containsOnly("exists");
        assertThat(second).filteredOn(l -> l.matches("^\\S+ +SQS .*")).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("updated"));
        assertThat(second).hasSize(first.size());
        assertThat(stubs.notificationPuts()).hasSize(1);
        assertThat(aws.ssmBodies("PutParameter")).hasSize(10);
        assertThat(AwsAccountStubs.bodies(stubs.sagemaker, "SageMaker.CreateFlowDefinition")).hasSize(1);
    }

    @Test
    void iamPoliciesNameConcreteArnsAndCoverWhatBootstrapCalls() {
        Set<String> called;
        try (AwsContext ctx = context()) {
            Bootstrap.run(ctx, new Bootstrap.Options("ops@example.com", WORKTEAM, ROLE), new PrintWriter(new StringWriter()));
            called = ctx.actionsCalled();
        }
        Settings s = settings().with("modelloop.aws.account", AwsAccountStubs.ACCOUNT);
        try (AwsContext ctx = new AwsContext(s)) {
            IamPolicy policy = new IamPolicy(ctx);
            List<IamPolicy.Statement> runtime = policy.runtime();
            List<IamPolicy.Statement> boot = policy.bootstrap(ROLE);
            for (List<IamPolicy.Statement> p : List.of(runtime, boot)) {
                // the one statement on "*": the Rekognition actions IAM has no resource type for
                assertThat(p).filteredOn(st -> st.resources().contains("*")).singleElement().satisfies(st -> {
                    assertThat(st.sid()).isEqualTo(IamPolicy.NO_RESOURCE_TYPE);
                    assertThat(st.resources()).containsExactly("*");
                    assertThat(st.actions()).containsExactlyInAnyOrder("rekognition:DescribeProjects", "rekognition:CreateProject");
                });
                for (IamPolicy.Statement st : p) {
                    if (!st.sid().equals(IamPolicy.NO_RESOURCE_TYPE)) {
                        assertThat(st.resources()).as(st.sid()).isNotEmpty().allSatisfy(r -> {
                            assertThat(r).isNotEqualTo("*").startsWith("arn:aws:");
                            assertThat(r).doesNotContain(":*:");
                        });
                    }
                }
            }
            assertThat(actions(boot)).containsAll(called);
            // the calls the application makes at run time with this configuration (S3 client, aws2-sqs
            // consumer, SNS sink, SSM parameter store, DynamoDB stores, Rekognition backend, A2I runtime)
            assertThat(actions(runtime)).containsExactlyInAnyOrder(
                    "s3:ListBucket", "s3:GetObject", "s3:PutObject",
                    // Rekognition reads the training set and images as the caller (Custom Labels external bucket)
                    "s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetObjectAcl", "s3:GetObjectTagging", "s3:GetObjectVersion",
                    "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:GetQueueAttributes",
                    "sns:Publish", "sns:GetTopicAttributes",
                    "ssm:GetParametersByPath", "ssm:PutParameter", "ssm:GetParameterHistory",
                    "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query",
                    "rekognition:DescribeProjects", "rekognition:CreateProject", "rekognition:CreateProjectVersion",
                    "rekognition:DescribeProjectVersions", "rekognition:StartProjectVersion", "rekognition:StopProjectVersion",
                    "rekognition:DetectCustomLabels",
                    "sagemaker:StartHumanLoop", "sagemaker:DescribeHumanLoop");
            assertThat(IamPolicy.json(runtime)).contains("arn:aws:sqs:us-east-1:123456789012:modelloop-s3-events",
                    "arn:aws:dynamodb:us-east-1:123456789012:table/" + table + "/index/byTime");
        }
    }

    @Test
    void teardownRemovesWhatBootstrapMadeAndKeepsDataWhenAsked() {
        bootstrap();
        StringWriter out = new StringWriter();
        try (AwsContext ctx = context()) {
            Teardown.remove(Teardown.resources(ctx), new PrintWriter(out, true));
        }
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("kept").contains("stopped 1 running version"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("deleted").contains("A2I flow definition"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("deleted").contains("A2I human task UI"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("deleted").contains("S3 bucket notification"));
        assertThat(lines).filteredOn(l -> l.matches("^\\S+ +SQS .*")).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("deleted"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("deleted").contains("SNS topic"));
        assertThat(lines).filteredOn(l -> l.contains("SSM parameter")).hasSize(12);
        assertThat(AwsAccountStubs.bodies(stubs.rekognition, "RekognitionService.StopProjectVersion").get(0)
                .path("ProjectVersionArn").asText()).isEqualTo(AwsAccountStubs.VERSION_ARN);
        // the other entry of the notification document stays
        assertThat(stubs.notificationPuts().get(1)).contains("someone-elses").doesNotContain("modelloop-images-for-detection");
        assertThat(sqs.client().listQueues().queueUrls()).isEmpty();
        // data untouched until asked
        assertThat(dynamo.client().listTables().tableNames()).contains(table);
        try (var s3 = aws.s3Client()) {
            assertThat(s3.listObjectsV2(b -> b.bucket(AwsStubs.BUCKET)).keyCount()).isPositive();
        }
        StringWriter data = new StringWriter();
        try (AwsContext ctx = context()) {
            Teardown.remove(Teardown.data(ctx), new PrintWriter(data, true));
        }
        assertThat(data.toString()).contains("deleted   DynamoDB table " + table, "deleted   S3 bucket " + AwsStubs.BUCKET);
        assertThat(dynamo.client().listTables().tableNames()).doesNotContain(table);
    }

    static Set<String> actions(List<IamPolicy.Statement> statements) {
        return statements.stream().flatMap(st -> st.actions().stream()).collect(java.util.stream.Collectors.toSet());
    }
}
