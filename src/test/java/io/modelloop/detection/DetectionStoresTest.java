package io.modelloop.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.storage.H2Database;
import io.modelloop.testing.DynamoLocal;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** modelloop.detections.store picks the backend; only the chosen one is opened. */
class DetectionStoresTest {

    @TempDir
    Path dir;

    private Settings settings(String profile, Map<String, String> extra) {
        var o = new java.util.HashMap<>(Map.of("camel.main.profile", profile, "modelloop.data", dir.toString(),
                "modelloop.aws.region", "us-east-1"));
        o.putAll(extra);
        return Settings.load(Path.of("config"), o);
    }

    private static <T> Supplier<T> forbidden(String what) {
        return () -> {
            throw new AssertionError(what + " must not be opened");
        };
    }

    @Test
    void localProfileDefaultsToTheEmbeddedDatabase() {
        try (H2Database h2 = new H2Database(dir.resolve("modelloop"))) {
            Settings local = settings("local", Map.of());
            assertThat(DetectionStores.create(local, () -> h2, forbidden("DynamoDB"))).isInstanceOf(JdbcDetectionStore.class);
        }
    }

    @Test
    void awsProfileDefaultsToDynamoDbAndCreatesTheTableWhenAllowed() {
        try (DynamoLocal dynamo = new DynamoLocal()) {
            Supplier<DynamoDbClient> client = dynamo::client;
            Settings aws = settings("aws", Map.of("modelloop.detections.table", "det-table",
                    "modelloop.detections.create-table", "true"));
            DetectionStore detections = DetectionStores.create(aws, forbidden("H2"), client);
            assertThat(detections).isInstanceOf(DynamoDetectionStore.class);
            assertThat(dynamo.client().listTables().tableNames()).containsExactly("det-table");
        }
    }

    @Test
    void anUnknownStoreIsAConfigurationError() {
        Settings wrong = settings("local", Map.of("modelloop.detections.store", "mongodb"));
        assertThatThrownBy(() -> DetectionStores.create(wrong, forbidden("H2"), forbidden("DynamoDB")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("mongodb").hasMessageContaining("jdbc or dynamodb");
    }
}
