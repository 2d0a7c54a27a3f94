package io.modelloop.storage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The layout of ModelLoop's DynamoDB table, shared by {@code DynamoDetectionStore} (detections and
 * human loops) and {@code DynamoRunStore} (run records); they may use one table or one each.
 *
 * <ul>
 *   <li>Primary key: {@code pk} (string) only, prefixed by item kind: {@code DET#<id>},
 *       {@code LOOP#<name>}, {@code RUN#<id>}, {@code NOTE#<id>}.</li>
 *   <li>GSI {@code byTime}: {@code gsi1pk} = {@code DET}, {@code RUN} or {@code NOTE}, {@code gsi1sk} =
 *       {@code <time>#<id>} with a fixed-width UTC time, so a Query returns records in time
 *       order (newest first with ScanIndexForward=false) and a time range or a paging cursor is
 *       a key condition.</li>
 *   <li>GSI {@code byState}: {@code gsi2pk} = {@code DET#<outcome>} or {@code LOOP#OPEN},
 *       {@code gsi2sk} = {@code <time>#<id>}: detections of one outcome oldest first (human
 *       sampling walks CLASSIFIED, re-processing walks NO_MODEL), and the open loops oldest first
 *       (the index is sparse: answering a loop removes its gsi2 attributes).</li>
 *   <li>TTL on the attribute {@code ttl} (epoch seconds): only notification-log items carry it.
 *       A table created here has TTL switched on; on a table created elsewhere, switch it on
 *       for {@code ttl} or old notifications stay.</li>
 * </ul>
 * The constant partition keys of the GSIs suit ModelLoop's volume (a few detections a second at
 * most; one GSI partition takes about 1000 writes a second). Billing is on demand.
 */
public final class DynamoTable {

    public static final String PK = "pk";
    public static final String GSI1 = "byTime";
    public static final String GSI1_PK = "gsi1pk";
    public static final String GSI1_SK = "gsi1sk";
    public static final String GSI2 = "byState";
    public static final String GSI2_PK = "gsi2pk";
    public static final String GSI2_SK = "gsi2sk";
    public static final String TTL = "ttl";

    private static final Logger LOG = LoggerFactory.getLogger(DynamoTable.class);
    private static final DateTimeFormatter SORTABLE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private DynamoTable() {
    }

    /** A fixed-width UTC time: string order is time order. */
    public static String sortable(Instant t) {
        return SORTABLE.format(t);
    }

    /** Creates the table with its two indexes unless it exists; true when this call created it. */
    public static boolean createIfMissing(DynamoDbClient client, String table) {
        try {
            client.describeTable(r -> r.tableName(table));
            return false;
        } catch (ResourceNotFoundException missing) {
            // create below
        }
        try {
            client.createTable(r -> r.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(string(PK), string(GSI1_PK), string(GSI1_SK), string(GSI2_PK), string(GSI2_SK))
                    .keySchema(KeySchemaElement.builder().attributeName(PK).keyType(KeyType.HASH).build())
                    .globalSecondaryIndexes(index(GSI1, GSI1_PK, GSI1_SK), index(GSI2, GSI2_PK, GSI2_SK)));
        } catch (ResourceInUseException raced) {
            LOG.info("DynamoDB table {} is being created by someone else", table);
        }
        client.waiter().waitUntilTableExists(r -> r.tableName(table));
        try {
            client.updateTimeToLive(r -> r.tableName(table).timeToLiveSpecification(t -> t.attributeName(TTL).enabled(true)));
        } catch (DynamoDbException e) {
            // items then stay until deleted by hand; everything else works
            LOG.warn("TTL could not be switched on for DynamoDB table {}: {}", table, e.getMessage());
        }
        LOG.info("Created DynamoDB table {}", table);
        return true;
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static GlobalSecondaryIndex index(String name, String hash, String range) {
        return GlobalSecondaryIndex.builder().indexName(name)
                .keySchema(KeySchemaElement.builder().attributeName(hash).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(range).keyType(KeyType.RANGE).build())
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                .build();
    }

    // ------------------------------------------------------------------ attribute helpers

    public static void put(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, AttributeValue.fromS(value));
        }
    }

    public static void put(Map<String, AttributeValue> item, String name, Instant value) {
        if (value != null) {
            item.put(name, AttributeValue.fromS(value.toString()));
        }
    }

    public static void put(Map<String, AttributeValue> item, String name, Double value) {
        if (value != null) {
            item.put(name, AttributeValue.fromN(Double.toString(value)));
        }
    }

    public static void put(Map<String, AttributeValue> item, String name, Boolean value) {
        if (value != null) {
            item.put(name, AttributeValue.fromBool(value));
        }
    }

    public static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    public static Instant instant(Map<String, AttributeValue> item, String name) {
        return parse(item, name, Instant::parse);
    }

    public static Double number(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? null : Double.valueOf(v.n());
    }

    public static Boolean bool(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.bool();
    }

    private static <T> T parse(Map<String, AttributeValue> item, String name, Function<String, T> parser) {
        String text = s(item, name);
        return text == null ? null : parser.apply(text);
    }
}
