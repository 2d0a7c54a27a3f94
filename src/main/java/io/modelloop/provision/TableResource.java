package io.modelloop.provision;

import io.modelloop.storage.DynamoTable;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * A DynamoDB table of the detection and run stores, laid out by {@link DynamoTable}, with TTL on
 * {@code ttl} so old notification-log items expire. Holds data: teardown deletes it only when asked.
 */
final class TableResource implements AwsResource {

    private final AwsContext aws;
    private final String table;

    TableResource(AwsContext aws, String table) {
        this.aws = aws;
        this.table = table;
    }

    @Override
    public String describe() {
        return "DynamoDB table " + table;
    }

    private String resource() {
        return "table " + table;
    }

    @Override
    public Outcome ensure() {
        boolean created = !exists() && aws.call("dynamodb:CreateTable", resource(),
                () -> DynamoTable.createIfMissing(aws.dynamodb(), table));
        // a table made elsewhere (or whose TTL switch failed at creation) gets TTL here
        boolean ttlSwitched = ensureTtl();
        if (created) {
            return Outcome.created().note("TTL on " + DynamoTable.TTL);
        }
        return ttlSwitched ? Outcome.updated().note("TTL switched on for " + DynamoTable.TTL) : Outcome.exists();
    }

    private boolean exists() {
        try {
            aws.run("dynamodb:DescribeTable", resource(), () -> aws.dynamodb().describeTable(b -> b.tableName(table)));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    private boolean ensureTtl() {
        TimeToLiveStatus status = aws.call("dynamodb:DescribeTimeToLive", resource(), () -> aws.dynamodb()
                .describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription().timeToLiveStatus());
        if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING) {
            return false;
        }
        aws.run("dynamodb:UpdateTimeToLive", resource(), () -> aws.dynamodb().updateTimeToLive(
                b -> b.tableName(table).timeToLiveSpecification(t -> t.attributeName(DynamoTable.TTL).enabled(true))));
        return true;
    }

    @Override
    public Outcome remove() {
        try {
            aws.run("dynamodb:DeleteTable", resource(), () -> aws.dynamodb().deleteTable(b -> b.tableName(table)));
            return Outcome.deleted();
        } catch (ResourceNotFoundException e) {
            return Outcome.notFound();
        }
    }
}
