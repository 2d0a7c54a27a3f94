package io.modelloop.provision;

import io.modelloop.detection.HumanLoop;
import io.modelloop.review.HumanLoopOutput;
import software.amazon.awssdk.services.sagemaker.model.ResourceNotFoundException;

/**
 * The A2I worker task template: an image classification (crowd-image-classifier, the answer
 * name the results route reads) whose choices come from each loop's input, not from the
 * template: A2iHumanReview puts the current labels and None of the Above into the loop's
 * {@code labels}. A task UI cannot be changed in place, so choices fixed at bootstrap would
 * never show a label added later.
 */
final class HumanTaskUiResource implements AwsResource {

    private static final String NONE_OF_THE_ABOVE = HumanLoop.NONE_OF_THE_ABOVE;

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
        String template = template();
        arn = aws.call("sagemaker:CreateHumanTaskUi", resource(), () -> aws.sagemaker().createHumanTaskUi(
                b -> b.humanTaskUiName(aws.taskUiName()).uiTemplate(t -> t.content(template))).humanTaskUiArn());
        return Outcome.created().note("label choices from each human loop's input");
    }

    private String find() {
        try {
            return aws.call("sagemaker:DescribeHumanTaskUi", resource(), () -> aws.sagemaker()
                    .describeHumanTaskUi(b -> b.humanTaskUiName(aws.taskUiName())).humanTaskUiArn());
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    /**
     * Liquid template. The loop input's taskObject is the image's s3:// URI and labels the choices
     * (HumanLoopOutput.inputContent, A2iHumanReview). The categories attribute is the SageMaker
     * Developer Guide's image-classification template: {{ task.input.labels | to_json | escape }}
     * (a JSON array of strings, HTML-escaped for the attribute). sentBecause is why the image was
     * sent (SentForReview), HTML-escaped: it holds a label, which a reviewer may have typed.
     */
    static String template() {
        return """
                <script src="https://assets.crowd.aws/crowd-html-elements.js"></script>
                <crowd-form>
                  <crowd-image-classifier
                    name="%s"
                    src="{{ task.input.taskObject | grant_read_access }}"
                    header="Which label fits this image?"
                    categories="{{ task.input.labels | to_json | escape }}">
                    <short-instructions>
                      <p>Choose the label that fits the image, or %s when none does.</p>
                      {%% if task.input.sentBecause %%}<p><strong>Sent because:</strong> {{ task.input.sentBecause | escape }}</p>{%% endif %%}
                    </short-instructions>
                    <full-instructions header="Instructions">
                      <p>Choose the one label that describes the image best.</p>
                      <p>Choose <strong>%s</strong> when no label fits; the image is then not added to the training set.</p>
                    </full-instructions>
                  </crowd-image-classifier>
                </crowd-form>
                """.formatted(HumanLoopOutput.ANSWER_TASK, NONE_OF_THE_ABOVE, NONE_OF_THE_ABOVE);
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
