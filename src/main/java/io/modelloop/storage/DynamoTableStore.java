package io.modelloop.storage;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** A store kept in one DynamoDB table of the shared layout ({@link DynamoTable}). */
public abstract class DynamoTableStore {

    protected final DynamoDbClient client;
    protected final String table;

    protected DynamoTableStore(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    /** Creates the table unless it exists; true when created. */
    public boolean createTableIfMissing() {
        return DynamoTable.createIfMissing(client, table);
    }

    public String table() {
        return table;
    }
}
