package io.modelloop.provision;

import io.modelloop.storage.BucketLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;

/**
 * The bucket's ObjectCreated notifications to the event queue: new images under
 * images_for_detection/ and review outputs under a2i-human-loop-data/. S3 keeps one
 * notification document per bucket, so ours are merged into it by id and everything else in
 * it (other queues, topics, Lambda functions, EventBridge) is written back unchanged.
 */
final class BucketNotificationResource implements AwsResource {

    /** Our entries, by id: the prefix each one filters on. */
    static final Map<String, String> ENTRIES = Map.of(
            "modelloop-images-for-detection", BucketLayout.DETECTION,
            "modelloop-human-loop-output", BucketLayout.HUMAN_LOOP_DATA);

    private final AwsContext aws;
    private final Supplier<String> queueArn;

    BucketNotificationResource(AwsContext aws, Supplier<String> queueArn) {
        this.aws = aws;
        this.queueArn = queueArn;
    }

    @Override
    public String describe() {
        return "S3 bucket notification " + aws.bucket() + " (" + BucketLayout.DETECTION + ", " + BucketLayout.HUMAN_LOOP_DATA
                + ") -> SQS " + aws.queueName();
    }

    @Override
    public Outcome ensure() {
        GetBucketNotificationConfigurationResponse current = read();
        List<QueueConfiguration> ours = current.queueConfigurations().stream().filter(q -> ENTRIES.containsKey(q.id())).toList();
        List<QueueConfiguration> wanted = wanted();
        if (ours.size() == wanted.size() && wanted.stream().allMatch(w -> ours.stream().anyMatch(o -> same(o, w)))) {
            return Outcome.exists();
        }
        List<QueueConfiguration> queues = new ArrayList<>(others(current));
        queues.addAll(wanted);
        write(current, queues);
        return ours.isEmpty() ? Outcome.created() : Outcome.updated();
    }

    @Override
    public Outcome remove() {
        GetBucketNotificationConfigurationResponse current = read();
        if (current.queueConfigurations().stream().noneMatch(q -> ENTRIES.containsKey(q.id()))) {
            return Outcome.notFound();
        }
        write(current, others(current));
        return Outcome.deleted();
    }

    private List<QueueConfiguration> wanted() {
        return ENTRIES.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> QueueConfiguration.builder()
                .id(e.getKey()).queueArn(queueArn.get()).events(Event.S3_OBJECT_CREATED)
                .filter(f -> f.key(k -> k.filterRules(r -> r.name(FilterRuleName.PREFIX).value(e.getValue()))))
                .build()).toList();
    }

    private static List<QueueConfiguration> others(GetBucketNotificationConfigurationResponse current) {
        return current.queueConfigurations().stream().filter(q -> !ENTRIES.containsKey(q.id())).toList();
    }

    private static boolean same(QueueConfiguration a, QueueConfiguration b) {
        return a.id().equals(b.id()) && a.queueArn().equals(b.queueArn()) && a.events().equals(b.events())
                && prefix(a).equals(prefix(b));
    }

    private static String prefix(QueueConfiguration q) {
        if (q.filter() == null || q.filter().key() == null) {
            return "";
        }
        return q.filter().key().filterRules().stream().filter(r -> "prefix".equalsIgnoreCase(r.nameAsString()))
                .map(r -> r.value()).findFirst().orElse("");
    }

    private GetBucketNotificationConfigurationResponse read() {
        return aws.call("s3:GetBucketNotification", aws.bucketArn(),
                () -> aws.s3().getBucketNotificationConfiguration(b -> b.bucket(aws.bucket())));
    }

    private void write(GetBucketNotificationConfigurationResponse current, List<QueueConfiguration> queues) {
        NotificationConfiguration.Builder config = NotificationConfiguration.builder()
                .queueConfigurations(queues)
                .topicConfigurations(current.topicConfigurations())
                .lambdaFunctionConfigurations(current.lambdaFunctionConfigurations());
        if (current.eventBridgeConfiguration() != null) {
            config.eventBridgeConfiguration(current.eventBridgeConfiguration());
        }
        aws.run("s3:PutBucketNotification", aws.bucketArn(), () -> aws.s3().putBucketNotificationConfiguration(
                b -> b.bucket(aws.bucket()).notificationConfiguration(config.build())));
    }
}
