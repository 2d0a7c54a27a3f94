package io.modelloop.storage;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

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

    /** Puts the item unless one with its key exists; false when it does. */
    protected boolean putIfAbsent(Map<String, AttributeValue> item) {
        try {
            client.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(" + DynamoTable.PK + ")"));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    /** A new item listed newest first in the byTime index: key {@code KIND#id}, index key KIND and time#id. */
    protected static Map<String, AttributeValue> timeListedItem(String kind, String id, Instant at) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(DynamoTable.PK, AttributeValue.fromS(kind + "#" + id));
        item.put(DynamoTable.GSI1_PK, AttributeValue.fromS(kind));
        item.put(DynamoTable.GSI1_SK, AttributeValue.fromS(DynamoTable.sortable(at) + "#" + id));
        return item;
    }

    /** A conditional UpdateItem; false when the condition does not hold (another writer won, or the item is not as expected). */
    protected boolean updateIf(Map<String, AttributeValue> key, String update, String condition, Map<String, String> names,
                               Map<String, AttributeValue> values) {
        try {
            client.updateItem(r -> r.tableName(table).key(key).updateExpression(update).conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException conditionFailed) {
            return false;
        }
    }
}
