package io.modelloop.provision;

import io.modelloop.config.ConfigurationException;
import io.modelloop.storage.BucketLayout;
import software.amazon.awssdk.services.sagemaker.model.ResourceNotFoundException;

/**
 * The A2I flow definition: the task UI, the private work team, the role A2I works with, and the
 * output path under a2i-human-loop-data/ where the results route picks up the answers.
 */
final class FlowDefinitionResource implements AwsResource {

    private final AwsContext aws;
    private final HumanTaskUiResource taskUi;
    private final String workteamArn;
    private final String roleArn;

    FlowDefinitionResource(AwsContext aws, HumanTaskUiResource taskUi, String workteamArn, String roleArn) {
        this.aws = aws;
        this.taskUi = taskUi;
        this.workteamArn = workteamArn;
        this.roleArn = roleArn;
    }

    @Override
    public String describe() {
        return "A2I flow definition " + aws.flowDefinitionName();
    }

    private String resource() {
        return "flow-definition/" + aws.flowDefinitionName();
    }

    String outputPath() {
        return "s3://" + aws.bucket() + "/" + BucketLayout.HUMAN_LOOP_DATA;
    }

    @Override
    public Outcome ensure() {
        String existing = find();
        if (existing != null) {
            return Outcome.exists().note(existing);
        }
        if (blank(workteamArn) || blank(roleArn)) {
            throw new ConfigurationException("Creating the A2I flow definition " + aws.flowDefinitionName()
                    + " needs --a2i-workteam-arn (a private work team) and --a2i-role-arn (a role A2I can assume"
                    + " that may read and write s3://" + aws.bucket() + "/)");
        }
        String uiArn = taskUi.arn();
        // A2I assumes the role for the flow: the caller must be allowed to pass it
        aws.requires("iam:PassRole");
        String arn = aws.call("sagemaker:CreateFlowDefinition", resource(), () -> aws.sagemaker().createFlowDefinition(b -> b.flowDefinitionName(aws.flowDefinitionName())
                    .roleArn(roleArn)
                    .outputConfig(o -> o.s3OutputPath(outputPath()))
                    .humanLoopConfig(h -> h.workteamArn(workteamArn).humanTaskUiArn(uiArn)
                            .taskTitle("Classify the image")
                            .taskDescription("Choose the label that fits the image, or None of the Above")
                            .taskCount(1).taskTimeLimitInSeconds(3600)))
                    .flowDefinitionArn());
        String hint = arn.equals(aws.settings().get("modelloop.review.a2i.flow-definition-arn").trim()) ? arn
                : arn + "; set modelloop.review.a2i.flow-definition-arn to it";
        return Outcome.created().note(hint);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private String find() {
        try {
            return aws.call("sagemaker:DescribeFlowDefinition", resource(), () -> aws.sagemaker()
                    .describeFlowDefinition(b -> b.flowDefinitionName(aws.flowDefinitionName())).flowDefinitionArn());
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    @Override
    public Outcome remove() {
        if (find() == null) {
            return Outcome.notFound();
        }
        aws.run("sagemaker:DeleteFlowDefinition", resource(),
                () -> aws.sagemaker().deleteFlowDefinition(b -> b.flowDefinitionName(aws.flowDefinitionName())));
        return Outcome.deleted();
    }
}
