package io.modelloop.provision;

import software.amazon.awssdk.services.sns.model.NotFoundException;

/** The SNS topic notifications are published to; deleting it deletes its subscriptions too. */
final class TopicResource implements AwsResource {

    private final AwsContext aws;

    TopicResource(AwsContext aws) {
        this.aws = aws;
    }

    @Override
    public String describe() {
        return "SNS topic " + aws.topicName();
    }

    @Override
    public Outcome ensure() {
        String arn = aws.topicArn();
        if (exists(arn)) {
            return Outcome.exists().note(arn);
        }
        String created = aws.call("sns:CreateTopic", arn, () -> aws.sns().createTopic(b -> b.name(aws.topicName())).topicArn());
        String hint = aws.configuredTopicArn().equals(created) ? created
                : created + "; set modelloop.notify.sns.topic-arn to it";
        return Outcome.created().note(hint);
    }

    private boolean exists(String arn) {
        try {
            aws.run("sns:GetTopicAttributes", arn, () -> aws.sns().getTopicAttributes(b -> b.topicArn(arn)));
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    @Override
    public Outcome remove() {
        String arn = aws.topicArn();
        if (!exists(arn)) {
            return Outcome.notFound();
        }
        aws.run("sns:DeleteTopic", arn, () -> aws.sns().deleteTopic(b -> b.topicArn(arn)));
        return Outcome.deleted().note("with its subscriptions");
    }
}
