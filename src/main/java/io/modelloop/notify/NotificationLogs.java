package io.modelloop.notify;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.storage.H2Database;
import java.time.Clock;
import java.util.Locale;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Picks the notification log's store. It follows the run store's settings
 * (modelloop.runs.store, .table, .create-table): the log is a history like the runs, and one
 * more set of keys would only be one more thing to get wrong.
 */
public final class NotificationLogs {

    private NotificationLogs() {
    }

    public static NotificationLog create(Settings settings, Supplier<H2Database> h2, Supplier<DynamoDbClient> dynamo) {
        String kind = settings.get("modelloop.runs.store").trim().toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "jdbc" -> new JdbcNotificationLog(h2.get(), Clock.systemUTC());
            case "dynamodb" -> {
                DynamoNotificationLog log = new DynamoNotificationLog(dynamo.get(), settings.get("modelloop.runs.table"));
                if (settings.getBoolean("modelloop.runs.create-table")) {
                    log.createTableIfMissing();
                }
                yield log;
            }
            default -> throw new ConfigurationException("Unknown store '" + kind + "' in modelloop.runs.store: use jdbc or dynamodb");
        };
    }
}
