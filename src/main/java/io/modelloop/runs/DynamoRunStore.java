package io.modelloop.runs;

import static io.modelloop.storage.DynamoTable.GSI1;
import static io.modelloop.storage.DynamoTable.GSI1_PK;
import static io.modelloop.storage.DynamoTable.GSI1_SK;
import static io.modelloop.storage.DynamoTable.PK;
import static io.modelloop.storage.DynamoTable.s;
import static io.modelloop.storage.DynamoTable.sortable;

import io.modelloop.storage.DynamoTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.modelloop.storage.DynamoTableStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Run records in DynamoDB (aws profile), in the layout of {@link DynamoTable}: item
 * {@code RUN#<id>} with the record as JSON in {@code body} plus type, status and start time;
 * listed newest first from the byTime index ({@code gsi1pk = RUN}), type and status being a
 * filter. The table may be the detections' table or one of its own.
 */
public final class DynamoRunStore extends DynamoTableStore implements RunStore, AutoCloseable {

    private static final String RUN = "RUN#";


    public DynamoRunStore(DynamoDbClient client, String table) {
        super(client, table);
    }


    @Override
    public void save(RunRecord run) {
        Map<String, AttributeValue> item = timeListedItem("RUN", run.id(), run.startedAt());
        item.put("type", AttributeValue.fromS(run.type()));
        item.put("status", AttributeValue.fromS(run.status().name()));
        item.put("startedAt", AttributeValue.fromS(run.startedAt().toString()));
        item.put("body", AttributeValue.fromS(run.toJson()));
        client.putItem(r -> r.tableName(table).item(item));
    }

    @Override
    public Optional<RunRecord> get(String id) {
        var item = client.getItem(r -> r.tableName(table).key(Map.of(PK, AttributeValue.fromS(RUN + id))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(RunRecord.fromJson(s(item, "body")));
    }

    @Override
    public List<RunRecord> list(String type, RunRecord.RunStatus status, Instant before, int limit) {
        int max = Math.max(1, Math.min(limit, 1000));
        Map<String, String> names = new HashMap<>(Map.of("#pk", GSI1_PK));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", AttributeValue.fromS("RUN")));
        String condition = "#pk = :pk";
        if (before != null) {
            condition += " AND #sk < :before";
            names.put("#sk", GSI1_SK);
            values.put(":before", AttributeValue.fromS(sortable(before)));
        }
        List<String> filters = new ArrayList<>();
        if (type != null) {
            filters.add("#type = :type");
            names.put("#type", "type");
            values.put(":type", AttributeValue.fromS(type));
        }
        if (status != null) {
            filters.add("#status = :status");
            names.put("#status", "status");
            values.put(":status", AttributeValue.fromS(status.name()));
        }
        QueryRequest.Builder request = QueryRequest.builder().tableName(table).indexName(GSI1)
                .keyConditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(values)
                .scanIndexForward(false).limit(filters.isEmpty() ? max : 500);
        if (!filters.isEmpty()) {
            request.filterExpression(String.join(" AND ", filters));
        }
        List<RunRecord> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = client.query(request.exclusiveStartKey(start).build());
            for (var item : page.items()) {
                if (out.size() < max) {
                    out.add(RunRecord.fromJson(s(item, "body")));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && out.size() < max);
        return out;
    }

    /** The client belongs to whoever built it. */
    @Override
    public void close() {
    }
}
