package io.modelloop.provision;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.testing.AwsStubs;
import java.util.List;

/**
 * The parts of an AWS account bootstrap talks to that have no in-process server here, as
 * WireMock stubs with the request/response shapes of the AWS API references and scenarios for
 * the created/deleted states: SSM parameters (JSON 1.1), SNS topic and subscriptions (Query),
 * Rekognition projects and SageMaker task UI and flow definition (JSON 1.1), and S3's bucket
 * notification configuration, which S3Proxy does not implement: a WireMock in front of S3Proxy
 * answers ?notification and passes every other S3 request through to S3Proxy.
 */
final class AwsAccountStubs implements AutoCloseable {

    static final String ACCOUNT = "123456789012";
    static final String PROJECT_ARN = "arn:aws:rekognition:us-east-1:" + ACCOUNT + ":project/modelloop/1700000000000";
    static final String VERSION_ARN = "arn:aws:rekognition:us-east-1:" + ACCOUNT + ":project/modelloop/version/v1/1700000000001";
    static final String TASK_UI_ARN = "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":human-task-ui/modelloop-image-classification";
    static final String FLOW_ARN = "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":flow-definition/modelloop-review";
    static final String OTHER_TOPIC_CONFIG = "<TopicConfiguration><Id>someone-elses</Id><Topic>arn:aws:sns:us-east-1:"
            + ACCOUNT + ":other</Topic><Event>s3:ObjectRemoved:*</Event></TopicConfiguration>";

    final AwsStubs aws;
    final WireMockServer s3;
    final WireMockServer rekognition = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    final WireMockServer sagemaker = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

    AwsAccountStubs(AwsStubs aws) {
        this.aws = aws;
        s3 = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        s3.start();
        rekognition.start();
        sagemaker.start();
        stubS3Notification();
        stubSsm();
        stubSns();
        stubRekognition();
        stubSageMaker();
    }

    // ---------------------------------------------------------------- S3 notification

    private void stubS3Notification() {
        s3.stubFor(any(anyUrl()).atPriority(100).willReturn(aResponse().proxiedFrom(aws.s3Endpoint())));
        String url = "/" + AwsStubs.BUCKET + "?notification";
        // someone else's entry is there before bootstrap: it must survive bootstrap and teardown
        s3.stubFor(get(urlEqualTo(url)).atPriority(1).inScenario("notification").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(xml(200, notification(""))));
        s3.stubFor(put(urlEqualTo(url)).atPriority(1).inScenario("notification").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("configured").willReturn(aResponse().withStatus(200)));
        s3.stubFor(get(urlEqualTo(url)).atPriority(1).inScenario("notification").whenScenarioStateIs("configured")
                .willReturn(xml(200, notification(ours()))));
        s3.stubFor(put(urlEqualTo(url)).atPriority(1).inScenario("notification").whenScenarioStateIs("configured")
                .willSetStateTo(Scenario.STARTED).willReturn(aResponse().withStatus(200)));
    }

    static String queueArn() {
        return "arn:aws:sqs:elasticmq:000000000000:modelloop-s3-events";
    }

    private static String ours() {
        StringBuilder b = new StringBuilder();
        for (var e : List.of(List.of("modelloop-human-loop-output", "a2i-human-loop-data/"),
                List.of("modelloop-images-for-detection", "images_for_detection/"))) {
            b.append("<QueueConfiguration><Id>").append(e.get(0)).append("</Id><Queue>").append(queueArn())
                    .append("</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>Prefix</Name><Value>")
                    .append(e.get(1)).append("</Value></FilterRule></S3Key></Filter></QueueConfiguration>");
        }
        return b.toString();
    }

    private static String notification(String queues) {
        return "<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + OTHER_TOPIC_CONFIG + queues
                + "</NotificationConfiguration>";
    }

    List<String> notificationPuts() {
        return s3.findAll(putRequestedFor(urlEqualTo("/" + AwsStubs.BUCKET + "?notification"))).stream()
                .map(r -> r.getBodyAsString()).toList();
    }

    // ---------------------------------------------------------------- SSM

    private void stubSsm() {
        aws.ssm.stubFor(AwsStubs.ssmCall("GetParameter").atPriority(50)
                .willReturn(AwsStubs.ssmJson(400, "{\"__type\":\"ParameterNotFound\",\"message\":\"\"}")));
        aws.ssm.stubFor(AwsStubs.ssmCall("DeleteParameter").atPriority(50)
                .willReturn(AwsStubs.ssmJson(400, "{\"__type\":\"ParameterNotFound\",\"message\":\"\"}")));
        for (ParameterDefinition d : ParameterDefinition.ALL) {
            String name = AwsStubs.PREFIX + d.name();
            String scenario = "param-" + d.name();
            aws.ssm.stubFor(AwsStubs.ssmCall("PutParameter").atPriority(5).withRequestBody(matchingJsonPath("$.Name", equalTo(name)))
                    .inScenario(scenario).willSetStateTo("stored")
                    .willReturn(AwsStubs.ssmJson(200, "{\"Version\":1,\"Tier\":\"Standard\"}")));
            aws.ssm.stubFor(AwsStubs.ssmCall("GetParameter").atPriority(5).withRequestBody(matchingJsonPath("$.Name", equalTo(name)))
                    .inScenario(scenario).whenScenarioStateIs("stored")
                    .willReturn(AwsStubs.ssmJson(200, "{\"Parameter\":{\"Name\":\"" + name + "\",\"Type\":\"String\",\"Value\":\""
                            + d.defaultValue() + "\",\"Version\":1,\"DataType\":\"text\"}}")));
            aws.ssm.stubFor(AwsStubs.ssmCall("DeleteParameter").atPriority(5).withRequestBody(matchingJsonPath("$.Name", equalTo(name)))
                    .inScenario(scenario).whenScenarioStateIs("stored").willSetStateTo(Scenario.STARTED)
                    .willReturn(AwsStubs.ssmJson(200, "{}")));
        }
    }

    // ---------------------------------------------------------------- SNS

    private MappingBuilder sns(String action) {
        return post(urlEqualTo("/")).withFormParam("Action", equalTo(action));
    }

    private void stubSns() {
        String arn = AwsStubs.TOPIC_ARN;
        aws.sns.stubFor(sns("GetTopicAttributes").inScenario("topic").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(xml(404, snsError("Sender", "NotFound", "Topic does not exist"))));
        aws.sns.stubFor(sns("CreateTopic").inScenario("topic").willSetStateTo("created")
                .willReturn(xml(200, "<CreateTopicResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><CreateTopicResult>"
                        + "<TopicArn>" + arn + "</TopicArn></CreateTopicResult><ResponseMetadata><RequestId>r1</RequestId>"
                        + "</ResponseMetadata></CreateTopicResponse>")));
        aws.sns.stubFor(sns("GetTopicAttributes").inScenario("topic").whenScenarioStateIs("created")
                .willReturn(xml(200, "<GetTopicAttributesResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                        + "<GetTopicAttributesResult><Attributes><entry><key>TopicArn</key><value>" + arn + "</value></entry>"
                        + "</Attributes></GetTopicAttributesResult><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata>"
                        + "</GetTopicAttributesResponse>")));
        aws.sns.stubFor(sns("DeleteTopic").inScenario("topic").willSetStateTo(Scenario.STARTED)
                .willReturn(xml(200, "<DeleteTopicResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><ResponseMetadata>"
                        + "<RequestId>r3</RequestId></ResponseMetadata></DeleteTopicResponse>")));
        aws.sns.stubFor(sns("ListSubscriptionsByTopic").inScenario("subscription").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(xml(200, subscriptions(""))));
        aws.sns.stubFor(sns("Subscribe").inScenario("subscription").willSetStateTo("subscribed")
                .willReturn(xml(200, "<SubscribeResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><SubscribeResult>"
                        + "<SubscriptionArn>pending confirmation</SubscriptionArn></SubscribeResult><ResponseMetadata>"
                        + "<RequestId>r4</RequestId></ResponseMetadata></SubscribeResponse>")));
        aws.sns.stubFor(sns("ListSubscriptionsByTopic").inScenario("subscription").whenScenarioStateIs("subscribed")
                .willReturn(xml(200, subscriptions("<member><TopicArn>" + arn + "</TopicArn><Protocol>email</Protocol>"
                        + "<SubscriptionArn>PendingConfirmation</SubscriptionArn><Owner>" + ACCOUNT + "</Owner>"
                        + "<Endpoint>ops@example.com</Endpoint></member>"))));
    }

    private static String subscriptions(String members) {
        return "<ListSubscriptionsByTopicResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><ListSubscriptionsByTopicResult>"
                + "<Subscriptions>" + members + "</Subscriptions></ListSubscriptionsByTopicResult><ResponseMetadata>"
                + "<RequestId>r5</RequestId></ResponseMetadata></ListSubscriptionsByTopicResponse>";
    }

    static String snsError(String type, String code, String message) {
        return "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>" + type + "</Type><Code>" + code
                + "</Code><Message>" + message + "</Message></Error><RequestId>r0</RequestId></ErrorResponse>";
    }

    // ---------------------------------------------------------------- Rekognition, SageMaker (JSON 1.1)

    static MappingBuilder target(String target) {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(target));
    }

    private void stubRekognition() {
        rekognition.stubFor(target("RekognitionService.DescribeProjects").inScenario("project").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(AwsStubs.ssmJson(200, "{\"ProjectDescriptions\":[]}")));
        rekognition.stubFor(target("RekognitionService.CreateProject").inScenario("project").willSetStateTo("created")
                .willReturn(AwsStubs.ssmJson(200, "{\"ProjectArn\":\"" + PROJECT_ARN + "\"}")));
        rekognition.stubFor(target("RekognitionService.DescribeProjects").inScenario("project").whenScenarioStateIs("created")
                .willReturn(AwsStubs.ssmJson(200, "{\"ProjectDescriptions\":[{\"ProjectArn\":\"" + PROJECT_ARN
                        + "\",\"CreationTimestamp\":1.7E9,\"Status\":\"CREATED\",\"Feature\":\"CUSTOM_LABELS\"}]}")));
        rekognition.stubFor(target("RekognitionService.DescribeProjectVersions")
                .willReturn(AwsStubs.ssmJson(200, "{\"ProjectVersionDescriptions\":[{\"ProjectVersionArn\":\"" + VERSION_ARN
                        + "\",\"Status\":\"RUNNING\",\"MinInferenceUnits\":1}]}")));
        rekognition.stubFor(target("RekognitionService.StopProjectVersion")
                .willReturn(AwsStubs.ssmJson(200, "{\"Status\":\"STOPPING\"}")));
    }

    private void stubSageMaker() {
        ResponseDefinitionBuilder notFound = AwsStubs.ssmJson(400, "{\"__type\":\"ResourceNotFound\",\"Message\":\"not found\"}");
        sagemaker.stubFor(target("SageMaker.DescribeHumanTaskUi").inScenario("ui").whenScenarioStateIs(Scenario.STARTED).willReturn(notFound));
        sagemaker.stubFor(target("SageMaker.CreateHumanTaskUi").inScenario("ui").willSetStateTo("created")
                .willReturn(AwsStubs.ssmJson(200, "{\"HumanTaskUiArn\":\"" + TASK_UI_ARN + "\"}")));
        sagemaker.stubFor(target("SageMaker.DescribeHumanTaskUi").inScenario("ui").whenScenarioStateIs("created")
                .willReturn(AwsStubs.ssmJson(200, "{\"HumanTaskUiArn\":\"" + TASK_UI_ARN + "\",\"HumanTaskUiName\":"
                        + "\"modelloop-image-classification\",\"HumanTaskUiStatus\":\"Active\",\"CreationTime\":1.7E9,"
                        + "\"UiTemplate\":{\"Url\":\"https://example.invalid/t\",\"ContentSha256\":\"00\"}}")));
        sagemaker.stubFor(target("SageMaker.DeleteHumanTaskUi").inScenario("ui").willSetStateTo(Scenario.STARTED)
                .willReturn(AwsStubs.ssmJson(200, "{}")));
        sagemaker.stubFor(target("SageMaker.DescribeFlowDefinition").inScenario("flow").whenScenarioStateIs(Scenario.STARTED).willReturn(notFound));
        sagemaker.stubFor(target("SageMaker.CreateFlowDefinition").inScenario("flow").willSetStateTo("created")
                .willReturn(AwsStubs.ssmJson(200, "{\"FlowDefinitionArn\":\"" + FLOW_ARN + "\"}")));
        sagemaker.stubFor(target("SageMaker.DescribeFlowDefinition").inScenario("flow").whenScenarioStateIs("created")
                .willReturn(AwsStubs.ssmJson(200, "{\"FlowDefinitionArn\":\"" + FLOW_ARN + "\",\"FlowDefinitionName\":"
                        + "\"modelloop-review\",\"FlowDefinitionStatus\":\"Active\",\"CreationTime\":1.7E9,"
                        + "\"OutputConfig\":{\"S3OutputPath\":\"s3://" + AwsStubs.BUCKET + "/a2i-human-loop-data/\"},"
                        + "\"RoleArn\":\"arn:aws:iam::" + ACCOUNT + ":role/a2i\"}")));
        sagemaker.stubFor(target("SageMaker.DeleteFlowDefinition").inScenario("flow").willSetStateTo(Scenario.STARTED)
                .willReturn(AwsStubs.ssmJson(200, "{}")));
    }

    static List<JsonNode> bodies(WireMockServer server, String target) {
        return server.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(target))).stream()
                .map(r -> AwsStubs.json(r.getBodyAsString())).toList();
    }

    static ResponseDefinitionBuilder xml(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody(body);
    }

    @Override
    public void close() {
        s3.stop();
        rekognition.stop();
        sagemaker.stop();
    }
}
