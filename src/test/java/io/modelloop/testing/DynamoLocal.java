package io.modelloop.testing;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local in-process (test scope only: its licence allows development and testing),
 * telemetry off, stopped with shutdownNow so no thread outlives the tests.
 */
public final class DynamoLocal implements AutoCloseable {

    private static final AtomicInteger TABLES = new AtomicInteger();

    private final AmazonDynamoDBLocal local;
    private final DynamoDbClient client;

    public DynamoLocal() {
        this.local = DynamoDBEmbedded.create(true); // true = telemetry off
        this.client = local.dynamoDbClient();
    }

    public DynamoDbClient client() {
        return client;
    }

    /** A table name no other test of this JVM uses. */
    public static String freshTableName(String prefix) {
        return prefix + "-" + TABLES.incrementAndGet();
    }

    @Override
    public void close() {
        client.close();
        local.shutdownNow();
    }
}
