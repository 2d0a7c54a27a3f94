package io.modelloop.runs;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.storage.H2Database;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Picks the run store (modelloop.runs.store): {@code jdbc} = the embedded H2 database file under
 * the data folder, {@code dynamodb} = a DynamoDB table. The database and the client come from
 * suppliers so that only the backend chosen is opened; whoever supplies them closes them.
 */
public final class RunStores {

    private static final Logger LOG = LoggerFactory.getLogger(RunStores.class);
    private static final String KEY = "modelloop.runs.store";

    private RunStores() {
    }

    public static RunStore create(Settings settings, Supplier<H2Database> h2, Supplier<DynamoDbClient> dynamo) {
        return switch (settings.get(KEY).toLowerCase(Locale.ROOT)) {
            case "jdbc" -> new JdbcRunStore(h2.get());
            case "dynamodb" -> {
                DynamoRunStore store = new DynamoRunStore(dynamo.get(), settings.get("modelloop.runs.table"));
                if (settings.getBoolean("modelloop.runs.create-table") && store.createTableIfMissing()) {
                    LOG.info("Created DynamoDB table {} for run records", store.table());
                }
                yield store;
            }
            default -> throw new ConfigurationException("Unknown store '" + settings.get(KEY) + "' in " + KEY
                    + ": use jdbc or dynamodb");
        };
    }
}
