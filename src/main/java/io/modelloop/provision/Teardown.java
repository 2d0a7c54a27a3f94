package io.modelloop.provision;

import io.modelloop.parameters.ParameterDefinition;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes what bootstrap made, dependants first: running models are stopped, then the A2I flow
 * definition and task UI, the bucket notification, the queues, the topic and the parameters.
 * The data (the bucket with its objects, the DynamoDB tables) is a separate list the caller
 * removes only after confirmation.
 */
public final class Teardown {

    private Teardown() {
    }

    /** Everything but the data, in removal order. */
    public static List<AwsResource> resources(AwsContext aws) {
        List<AwsResource> r = new ArrayList<>();
        if (aws.rekognitionBackend()) {
            r.add(new RekognitionProjectResource(aws));
        }
        if (aws.a2iReview()) {
            HumanTaskUiResource ui = new HumanTaskUiResource(aws);
            r.add(new FlowDefinitionResource(aws, ui, null, null));
            r.add(ui);
        }
        if (aws.sqsTrigger()) {
            QueueResource dlq = QueueResource.deadLetter(aws);
            QueueResource queue = QueueResource.events(aws, dlq);
            r.add(new BucketNotificationResource(aws, queue.arn()));
            r.add(queue);
            r.add(dlq);
        }
        if (aws.snsNotifications() || !aws.configuredTopicArn().isEmpty()) {
            r.add(new TopicResource(aws));
        }
        if (aws.ssmParameters()) {
            ParameterDefinition.ALL.forEach(d -> r.add(new ParameterResource(aws, d.name(), d.defaultValue())));
            // machine-written state lives under the same prefix
            r.add(new ParameterResource(aws, ParameterDefinition.SYSTEM_STATE, null));
            r.add(new ParameterResource(aws, ParameterDefinition.VALUES_IN_FORCE, null));
        }
        return r;
    }

    /** The data: the DynamoDB tables and the bucket with every object in it. */
    public static List<AwsResource> data(AwsContext aws) {
        List<AwsResource> r = new ArrayList<>();
        aws.tables().forEach(t -> r.add(new TableResource(aws, t)));
        r.add(new BucketResource(aws));
        return r;
    }

    public static void remove(List<AwsResource> resources, PrintWriter out) {
        for (AwsResource resource : resources) {
            out.println(resource.remove().line(resource.describe()));
            out.flush();
        }
    }
}
