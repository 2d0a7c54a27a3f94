package io.modelloop.provision;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelloop.model.builtin.ArtifactStore;
import io.modelloop.storage.BucketLayout;
import io.modelloop.storage.DynamoTable;
import java.util.ArrayList;
import java.util.List;

/**
 * Least-privilege IAM policies for the configured names: the runtime one (what ModelLoop calls
 * while it runs, for the pod's role) and the bootstrap one (what bootstrap and teardown call).
 * Every Resource is an ARN of this account and region naming the bucket, queue, topic,
 * parameter path, table, project or flow; object keys and versions are narrowed by prefix. The one
 * exception is {@link #NO_RESOURCE_TYPE}: actions for which IAM has no resource type at all.
 */
public final class IamPolicy {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Sid of the only statement on "*". The Service Authorization Reference (Amazon Rekognition,
     * "Actions defined by") lists no resource type for DescribeProjects and CreateProject, and says
     * such an action needs "*": scoped to a project ARN (as the Custom Labels security guide's
     * example does for CreateProject) the statement never matches and IAM refuses the call.
     */
    public static final String NO_RESOURCE_TYPE = "RekognitionActionsWithoutResourceType";
    static final List<String> NO_RESOURCE_TYPE_ACTIONS = List.of("rekognition:DescribeProjects", "rekognition:CreateProject");

    /**
     * What Rekognition needs besides GetObject/ListBucket/PutObject to train from and detect on a
     * bucket of ours, as the caller: the Custom Labels Developer Guide, "Accessing external Amazon
     * S3 buckets" (s3ExternalBucketPolicies), split into the bucket and the object actions.
     */
    static final List<String> REKOGNITION_BUCKET_READS = List.of("s3:GetBucketAcl", "s3:GetBucketLocation");
    static final List<String> REKOGNITION_OBJECT_READS = List.of("s3:GetObjectAcl", "s3:GetObjectTagging", "s3:GetObjectVersion");

    /** One statement: an id, its actions and the ARNs they apply to. */
    public record Statement(String sid, List<String> actions, List<String> resources) {
    }

    private final AwsContext aws;
    private final String arnTail;

    public IamPolicy(AwsContext aws) {
        this.aws = aws;
        this.arnTail = aws.region() + ":" + aws.account() + ":";
    }

    private String arn(String service, String resource) {
        return "arn:aws:" + service + ":" + arnTail + resource;
    }

    private String object(String prefix) {
        return aws.bucketArn() + "/" + prefix + "*";
    }

    private List<String> tableArns(boolean withIndexes) {
        List<String> out = new ArrayList<>();
        for (String t : aws.tables()) {
            out.add(arn("dynamodb", "table/" + t));
            if (withIndexes) {
                out.add(arn("dynamodb", "table/" + t + "/index/" + DynamoTable.GSI1));
                out.add(arn("dynamodb", "table/" + t + "/index/" + DynamoTable.GSI2));
            }
        }
        return out;
    }

    private String parameterPath() {
        String prefix = aws.parameterPrefix();
        return arn("ssm", "parameter" + prefix.substring(0, prefix.length() - 1));
    }

    private String parameters() {
        return arn("ssm", "parameter" + aws.parameterPrefix() + "*");
    }

    private String project() {
        return arn("rekognition", "project/" + aws.rekognitionProject() + "/*");
    }

    private Statement noResourceType() {
        return new Statement(NO_RESOURCE_TYPE, NO_RESOURCE_TYPE_ACTIONS, List.of("*"));
    }

    /** The prefixes Rekognition reads as the caller: training images, manifests, detection images, its evaluation output. */
    private List<String> rekognitionReadObjects() {
        return List.of(object(BucketLayout.LABELED), object(BucketLayout.MANIFESTS), object(BucketLayout.DETECTION),
                object(BucketLayout.EVALUATION));
    }

    private String flowDefinition() {
        return arn("sagemaker", "flow-definition/" + aws.flowDefinitionName());
    }

    /** What the running application calls. */
    public List<Statement> runtime() {
        List<Statement> s = new ArrayList<>();
        // HeadBucket and ListObjectsV2 (labels, detection polling, review outputs, model versions)
        s.add(new Statement("BucketList", List.of("s3:ListBucket"), List.of(aws.bucketArn())));
        // GetObject, HeadObject, CopyObject's source, presigned image links; Rekognition reads images as the caller
        s.add(new Statement("ObjectsRead", List.of("s3:GetObject"), List.of(aws.bucketArn() + "/*")));
        List<String> written = new ArrayList<>();
        BucketLayout.PREFIXES.forEach(p -> written.add(object(p)));
        boolean builtinModel = !aws.rekognitionBackend();
        if (builtinModel) {
            written.add(object(ArtifactStore.PREFIX));
        }
        s.add(new Statement("ObjectsWrite", List.of("s3:PutObject"), written));
        if (builtinModel) {
            s.add(new Statement("ModelArtifactsDelete", List.of("s3:DeleteObject"), List.of(object(ArtifactStore.PREFIX))));
        }
        if (aws.sqsTrigger()) {
            s.add(new Statement("EventQueue", List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueUrl", "sqs:GetQueueAttributes"), List.of(arn("sqs", aws.queueName()))));
        }
        if (aws.snsNotifications()) {
            // GetTopicAttributes: the start-up check that the topic exists
            s.add(new Statement("Notifications", List.of("sns:Publish", "sns:GetTopicAttributes"), List.of(aws.topicArn())));
        }
        if (aws.ssmParameters()) {
            s.add(new Statement("ParametersList", List.of("ssm:GetParametersByPath"), List.of(parameterPath())));
            s.add(new Statement("Parameters", List.of("ssm:PutParameter", "ssm:GetParameterHistory"), List.of(parameters())));
        }
        if (!aws.tables().isEmpty()) {
            List<String> actions = new ArrayList<>(List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"));
            if (aws.settings().getBoolean("modelloop.detections.create-table") || aws.settings().getBoolean("modelloop.runs.create-table")) {
                actions.addAll(List.of("dynamodb:DescribeTable", "dynamodb:CreateTable", "dynamodb:UpdateTimeToLive"));
            }
            s.add(new Statement("Records", actions, tableArns(true)));
        }
        if (aws.rekognitionBackend()) {
            s.add(noResourceType());
            // resource types per the Service Authorization Reference: project (CreateProjectVersion,
            // DescribeProjectVersions) and projectversion (Start/Stop, DetectCustomLabels), both under project/NAME/
            s.add(new Statement("Model", List.of("rekognition:CreateProjectVersion", "rekognition:DescribeProjectVersions",
                    "rekognition:StartProjectVersion", "rekognition:StopProjectVersion", "rekognition:DetectCustomLabels"),
                    List.of(project())));
            // Rekognition reads the manifest and images with the caller's S3 permissions; training writes
            // evaluation/ (OutputConfig), which ObjectsWrite grants
            s.add(new Statement("RekognitionReadsBucket", REKOGNITION_BUCKET_READS, List.of(aws.bucketArn())));
            s.add(new Statement("RekognitionReadsObjects", REKOGNITION_OBJECT_READS, rekognitionReadObjects()));
        }
        if (aws.a2iReview()) {
            s.add(new Statement("HumanLoopsStart", List.of("sagemaker:StartHumanLoop"), List.of(flowDefinition())));
            s.add(new Statement("HumanLoopsRead", List.of("sagemaker:DescribeHumanLoop"),
                    List.of(flowDefinition(), arn("sagemaker", "human-loop/*"))));
        }
        return s;
    }

    /** What bootstrap and teardown call; roleArn is the A2I role they pass to the flow definition (may be null). */
    public List<Statement> bootstrap(String roleArn) {
        List<Statement> s = new ArrayList<>();
        s.add(new Statement("Bucket", List.of("s3:CreateBucket", "s3:ListBucket", "s3:DeleteBucket",
                "s3:GetBucketNotification", "s3:PutBucketNotification"), List.of(aws.bucketArn())));
        s.add(new Statement("Objects", List.of("s3:PutObject", "s3:DeleteObject"), List.of(aws.bucketArn() + "/*")));
        if (aws.sqsTrigger()) {
            s.add(new Statement("Queues", List.of("sqs:CreateQueue", "sqs:GetQueueUrl", "sqs:GetQueueAttributes",
                    "sqs:SetQueueAttributes", "sqs:DeleteQueue"),
                    List.of(arn("sqs", aws.queueName()), arn("sqs", aws.deadLetterQueueName()))));
        }
        s.add(new Statement("Topic", List.of("sns:CreateTopic", "sns:GetTopicAttributes", "sns:Subscribe",
                "sns:ListSubscriptionsByTopic", "sns:DeleteTopic"), List.of(aws.topicArn())));
        if (aws.ssmParameters()) {
            s.add(new Statement("Parameters", List.of("ssm:GetParameter", "ssm:PutParameter", "ssm:DeleteParameter"),
                    List.of(parameters())));
        }
        if (!aws.tables().isEmpty()) {
            s.add(new Statement("Tables", List.of("dynamodb:DescribeTable", "dynamodb:CreateTable", "dynamodb:DescribeTimeToLive",
                    "dynamodb:UpdateTimeToLive", "dynamodb:DeleteTable"), tableArns(false)));
        }
        if (aws.rekognitionBackend()) {
            s.add(noResourceType());
            s.add(new Statement("Project", List.of("rekognition:DescribeProjectVersions", "rekognition:StopProjectVersion"),
                    List.of(project())));
        }
        if (aws.a2iReview()) {
            s.add(new Statement("TaskUi", List.of("sagemaker:CreateHumanTaskUi", "sagemaker:DescribeHumanTaskUi",
                    "sagemaker:DeleteHumanTaskUi"), List.of(arn("sagemaker", "human-task-ui/" + aws.taskUiName()))));
            s.add(new Statement("FlowDefinition", List.of("sagemaker:CreateFlowDefinition", "sagemaker:DescribeFlowDefinition",
                    "sagemaker:DeleteFlowDefinition"), List.of(flowDefinition())));
            if (roleArn != null && !roleArn.isBlank()) {
                s.add(new Statement("PassA2iRole", List.of("iam:PassRole"), List.of(roleArn.trim())));
            }
        }
        return s;
    }

    public static String json(List<Statement> statements) {
        ObjectNode policy = JSON.createObjectNode();
        policy.put("Version", "2012-10-17");
        ArrayNode list = policy.putArray("Statement");
        for (Statement st : statements) {
            ObjectNode n = list.addObject();
            n.put("Sid", st.sid());
            n.put("Effect", "Allow");
            st.actions().forEach(n.withArray("Action")::add);
            st.resources().forEach(n.withArray("Resource")::add);
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(policy);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
