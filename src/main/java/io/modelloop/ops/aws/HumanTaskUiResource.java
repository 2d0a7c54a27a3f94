package io.modelloop.ops.aws;

import io.modelloop.detection.CurrentLabels;
import io.modelloop.review.HumanLoopOutput;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sagemaker.model.ResourceNotFoundException;

/**
 * The A2I worker task template: an image classification (crowd-image-classifier, the answer
 * name the results route reads) over the labels existing at bootstrap time plus None of the
 * Above. Task UIs cannot be changed in place: after adding labels, run teardown's A2I part or
 * delete the UI and flow definition and bootstrap again.
 */
final class HumanTaskUiResource implements AwsResource {

    static final String NONE_OF_THE_ABOVE = "None of the Above";

    private final AwsContext aws;
    private String arn;

    HumanTaskUiResource(AwsContext aws) {
        this.aws = aws;
    }

    @Override
    public String describe() {
        return "A2I human task UI " + aws.taskUiName();
    }

    private String resource() {
        return "human-task-ui/" + aws.taskUiName();
    }

    String arn() {
        if (arn == null) {
            arn = find();
        }
        return arn;
    }

    @Override
    public Outcome ensure() {
        arn = find();
        if (arn != null) {
            return Outcome.exists();
        }
        List<String> labels = aws.call("s3:ListBucket", aws.bucketArn(),
                () -> new CurrentLabels(aws.s3(), aws.bucket(), Duration.ZERO, Clock.systemUTC()).get());
        String template = template(labels);
        arn = aws.call("sagemaker:CreateHumanTaskUi", resource(), () -> aws.sagemaker().createHumanTaskUi(
                b -> b.humanTaskUiName(aws.taskUiName()).uiTemplate(t -> t.content(template))).humanTaskUiArn());
        return Outcome.created().note(labels.isEmpty() ? "no labels yet: only " + NONE_OF_THE_ABOVE
                : labels.size() + " label(s) + " + NONE_OF_THE_ABOVE);
    }

    private String find() {
        try {
            return aws.call("sagemaker:DescribeHumanTaskUi", resource(), () -> aws.sagemaker()
                    .describeHumanTaskUi(b -> b.humanTaskUiName(aws.taskUiName())).humanTaskUiArn());
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    /** Liquid template; the loop input's taskObject is the image's s3:// URI (HumanLoopOutput.inputContent). */
    static String template(List<String> labels) {
        List<String> choices = new ArrayList<>(labels);
        choices.add(NONE_OF_THE_ABOVE);
        String categories = choices.stream().map(l -> "'" + l.replace("'", "\\'") + "'")
                .collect(Collectors.joining(", ", "[", "]"));
        return """
                <script src="https://assets.crowd.aws/crowd-html-elements.js"></script>
                <crowd-form>
                  <crowd-image-classifier
                    name="%s"
                    src="{{ task.input.taskObject | grant_read_access }}"
                    header="Which label fits this image?"
                    categories="%s">
                    <short-instructions>Choose the label that fits the image, or %s when none does.</short-instructions>
                    <full-instructions header="Instructions">
                      <p>Choose the one label that describes the image best.</p>
                      <p>Choose <strong>%s</strong> when no label fits; the image is then not added to the training set.</p>
                    </full-instructions>
                  </crowd-image-classifier>
                </crowd-form>
                """.formatted(HumanLoopOutput.ANSWER_TASK, html(categories), NONE_OF_THE_ABOVE, NONE_OF_THE_ABOVE);
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public Outcome remove() {
        if (find() == null) {
            return Outcome.notFound();
        }
        aws.run("sagemaker:DeleteHumanTaskUi", resource(),
                () -> aws.sagemaker().deleteHumanTaskUi(b -> b.humanTaskUiName(aws.taskUiName())));
        return Outcome.deleted();
    }
}
