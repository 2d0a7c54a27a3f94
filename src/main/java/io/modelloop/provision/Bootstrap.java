package io.modelloop.provision;

import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.storage.BucketLayout;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What the reference's CloudFormation stack made, in dependency order: the bucket and its
 * prefixes, the dead-letter and event queues, the bucket notification to the queue, the topic
 * and an e-mail subscription, the parameters, the DynamoDB table(s), the Rekognition project and
 * the A2I task UI and flow definition, each only where the configuration uses it.
 */
public final class Bootstrap {

    /** What the command line adds to the configuration. */
    public record Options(String email, String workteamArn, String roleArn) {
    }

    private Bootstrap() {
    }

    /** The resources bootstrap ensures, in order. */
    public static List<AwsResource> resources(AwsContext aws, Options options) {
        List<AwsResource> r = new ArrayList<>();
        r.add(new BucketResource(aws));
        BucketLayout.PREFIXES.forEach(p -> r.add(new PrefixResource(aws, p)));
        if (aws.sqsTrigger()) {
            QueueResource dlq = QueueResource.deadLetter(aws);
            QueueResource queue = QueueResource.events(aws, dlq);
            r.add(dlq);
            r.add(queue);
            r.add(new BucketNotificationResource(aws, queue.arn()));
        }
        if (aws.snsNotifications() || options.email() != null) {
            r.add(new TopicResource(aws));
            if (options.email() != null && !options.email().isBlank()) {
                r.add(new EmailSubscriptionResource(aws, options.email().trim()));
            }
        }
        if (aws.ssmParameters()) {
            ParameterDefinition.ALL.forEach(d -> r.add(new ParameterResource(aws, d.name(), d.defaultValue())));
        }
        aws.tables().forEach(t -> r.add(new TableResource(aws, t)));
        if (aws.rekognitionBackend()) {
            r.add(new RekognitionProjectResource(aws));
        }
        if (aws.a2iReview()) {
            HumanTaskUiResource ui = new HumanTaskUiResource(aws);
            r.add(ui);
            r.add(new FlowDefinitionResource(aws, ui, options.workteamArn(), options.roleArn()));
        }
        return r;
    }

    /** Ensures every resource, one line each; stops at the first failure (an AccessRefusedException names it). */
    public static void run(AwsContext aws, Options options, PrintWriter out) {
        for (AwsResource resource : resources(aws, options)) {
            out.println(resource.ensure().line(resource.describe()));
            out.flush();
        }
    }
}
