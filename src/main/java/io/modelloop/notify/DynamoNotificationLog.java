package io.modelloop.notify;

import static io.modelloop.storage.DynamoTable.GSI1;
import static io.modelloop.storage.DynamoTable.GSI1_PK;
import static io.modelloop.storage.DynamoTable.GSI1_SK;
import static io.modelloop.storage.DynamoTable.TTL;
import static io.modelloop.storage.DynamoTable.s;
import static io.modelloop.storage.DynamoTable.sortable;

import io.modelloop.storage.DynamoTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.modelloop.storage.DynamoTableStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The notification log in ModelLoop's DynamoDB table (layout in {@link DynamoTable}): item
 * {@code NOTE#<id>}, listed newest first from the byTime index ({@code gsi1pk = NOTE}). Each
 * item carries the {@code ttl} attribute (epoch seconds, retention days after the
 * notification), so DynamoDB deletes old entries by itself where the table's TTL is on.
 */
public final class DynamoNotificationLog extends DynamoTableStore implements NotificationLog {

    private static final String NOTE = "NOTE";


    public DynamoNotificationLog(DynamoDbClient client, String table) {
        super(client, table);
    }


    @Override
    public void append(LoggedNotification entry) {
        Map<String, AttributeValue> item = timeListedItem(NOTE, entry.id(), entry.at());
        item.put("id", AttributeValue.fromS(entry.id()));
        item.put("at", AttributeValue.fromS(entry.at().toString()));
        item.put("type", AttributeValue.fromS(entry.type()));
        if (entry.message() != null) {
            item.put("message", AttributeValue.fromS(entry.message()));
        }
        item.put("details", AttributeValue.fromS(entry.detailsJson()));
        long expires = entry.at().plus(Duration.ofDays(RETENTION_DAYS)).getEpochSecond();
        item.put(TTL, AttributeValue.fromN(Long.toString(expires)));
        client.putItem(r -> r.tableName(table).item(item));
    }

    @Override
    public List<LoggedNotification> newestFirst(Instant before, int limit) {
        int max = Math.max(1, limit);
        Map<String, String> names = new HashMap<>(Map.of("#pk", GSI1_PK));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", AttributeValue.fromS(NOTE)));
        String condition = "#pk = :pk";
        if (before != null) {
            condition += " AND #sk < :before";
            names.put("#sk", GSI1_SK);
            values.put(":before", AttributeValue.fromS(sortable(before)));
        }
        QueryRequest.Builder request = QueryRequest.builder().tableName(table).indexName(GSI1)
                .keyConditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(values)
                .scanIndexForward(false).limit(max);
        List<LoggedNotification> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = client.query(request.exclusiveStartKey(start).build());
            for (var item : page.items()) {
                if (out.size() < max) {
                    out.add(new LoggedNotification(s(item, "id"), Instant.parse(s(item, "at")), s(item, "type"),
                            s(item, "message"), LoggedNotification.parseDetails(s(item, "details"))));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && out.size() < max);
        return out;
    }
}
