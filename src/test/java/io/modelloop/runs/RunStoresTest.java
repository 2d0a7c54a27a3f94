package io.modelloop.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.storage.H2Database;
import io.modelloop.testing.DynamoLocal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** modelloop.runs.store picks the backend; only the chosen one is opened. */
class RunStoresTest {

    @TempDir
    Path dir;

    private Settings settings(String profile, Map<String, String> extra) {
        var o = new HashMap<>(Map.of("camel.main.profile", profile, "modelloop.data", dir.toString(),
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
            assertThat(RunStores.create(local, () -> h2, forbidden("DynamoDB"))).isInstanceOf(JdbcRunStore.class);
        }
    }

    @Test
    void awsProfileDefaultsToDynamoDbWithoutMakingTheTable() {
        try (DynamoLocal dynamo = new DynamoLocal()) {
            Supplier<DynamoDbClient> client = dynamo::client;
            Settings aws = settings("aws", Map.of("modelloop.runs.table", "run-table"));
            assertThat(RunStores.create(aws, forbidden("H2"), client)).isInstanceOf(DynamoRunStore.class);
            // create-table is false by default, so the table is not made at start-up
            assertThat(dynamo.client().listTables().tableNames()).isEmpty();
        }
    }

    @Test
    void anUnknownStoreIsAConfigurationError() {
        Settings wrong = settings("local", Map.of("modelloop.runs.store", "mongodb"));
        assertThatThrownBy(() -> RunStores.create(wrong, forbidden("H2"), forbidden("DynamoDB")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("mongodb").hasMessageContaining("jdbc or dynamodb");
    }
}
