package io.modelloop.provision;

import software.amazon.awssdk.services.sns.model.Subscription;

/** An e-mail subscription to the topic; SNS sends the address a link that must be followed first. */
final class EmailSubscriptionResource implements AwsResource {

    private final AwsContext aws;
    private final String email;

    EmailSubscriptionResource(AwsContext aws, String email) {
        this.aws = aws;
        this.email = email;
    }

    @Override
    public String describe() {
        return "SNS e-mail subscription " + email;
    }

    @Override
    public Outcome ensure() {
        String arn = aws.topicArn();
        Subscription existing = aws.call("sns:ListSubscriptionsByTopic", arn, () -> aws.sns()
                .listSubscriptionsByTopicPaginator(b -> b.topicArn(arn)).subscriptions().stream()
                .filter(s -> "email".equals(s.protocol()) && email.equalsIgnoreCase(s.endpoint()))
                .findFirst().orElse(null));
        if (existing != null) {
            return "PendingConfirmation".equals(existing.subscriptionArn())
                    ? Outcome.exists().note("not confirmed yet: follow the link SNS mailed") : Outcome.exists();
        }
        aws.run("sns:Subscribe", arn, () -> aws.sns().subscribe(b -> b.topicArn(arn).protocol("email").endpoint(email)));
        return Outcome.created().note("confirm it with the link SNS mailed to the address");
    }

    @Override
    public Outcome remove() {
        return Outcome.kept("goes with the topic");
    }
}
