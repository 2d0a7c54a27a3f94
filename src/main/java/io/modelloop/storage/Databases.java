package io.modelloop.storage;

import io.modelloop.config.Settings;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The databases the stores live in, each opened when a store first uses it: the embedded H2
 * file data/modelloop (local) and the DynamoDB client (aws). Closed after the stores.
 */
public final class Databases implements AutoCloseable {

    private final Settings settings;
    private final AwsClients clients;
    private H2Database h2;
    private DynamoDbClient dynamo;

    public Databases(Settings settings, AwsClients clients) {
        this.settings = settings;
        this.clients = clients;
    }

    public synchronized H2Database h2() {
        if (h2 == null) {
            h2 = new H2Database(settings.dataDir().resolve("modelloop"));
        }
        return h2;
    }

    public synchronized DynamoDbClient dynamo() {
        if (dynamo == null) {
            dynamo = clients.dynamodb();
        }
        return dynamo;
    }

    @Override
    public synchronized void close() {
        if (h2 != null) {
            h2.close();
        }
        if (dynamo != null) {
            dynamo.close();
        }
    }
}
