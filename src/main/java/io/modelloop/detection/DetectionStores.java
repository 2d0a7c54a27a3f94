package io.modelloop.detection;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.storage.H2Database;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Picks the detection store (modelloop.detections.store): {@code jdbc} = the embedded H2
 * database file under the data folder, {@code dynamodb} = a DynamoDB table. The database and
 * the client come from suppliers so that only the backend chosen is opened; whoever supplies
 * them closes them.
 */
public final class DetectionStores {

    private static final Logger LOG = LoggerFactory.getLogger(DetectionStores.class);

    private DetectionStores() {
    }

    public static DetectionStore create(Settings settings, Supplier<H2Database> h2, Supplier<DynamoDbClient> dynamo) {
        return switch (kind(settings, "modelloop.detections.store")) {
            case "jdbc" -> new JdbcDetectionStore(h2.get());
            case "dynamodb" -> {
                DynamoDetectionStore store = new DynamoDetectionStore(dynamo.get(),
                        settings.get("modelloop.detections.table"));
                if (settings.getBoolean("modelloop.detections.create-table") && store.createTableIfMissing()) {
                    LOG.info("Created DynamoDB table {} for detections", store.table());
                }
                yield store;
            }
            default -> throw unknown("modelloop.detections.store", settings);
        };
    }

    private static String kind(Settings settings, String key) {
        return settings.get(key).toLowerCase(Locale.ROOT);
    }

    private static ConfigurationException unknown(String key, Settings settings) {
        return new ConfigurationException("Unknown store '" + settings.get(key) + "' in " + key + ": use jdbc or dynamodb");
    }
}
