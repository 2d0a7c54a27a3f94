package io.modelloop.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.storage.DynamoTable;
import io.modelloop.testing.DynamoLocal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;

/** The contract on DynamoDB Local, a fresh table per test. */
class DynamoDetectionStoreTest extends DetectionStoreContract {

    static DynamoLocal dynamo;

    @BeforeAll
    static void startDynamo() {
        dynamo = new DynamoLocal();
    }

    @AfterAll
    static void stopDynamo() {
        if (dynamo != null) {
            dynamo.close();
        }
    }

    @Override
    protected DetectionStore newStore() {
        DynamoDetectionStore s = new DynamoDetectionStore(dynamo.client(), DynamoLocal.freshTableName("detections"));
        assertThat(s.createTableIfMissing()).isTrue();
        return s;
    }

    @Test
    void createTableIfMissingIsIdempotentAndMakesBothIndexes() {
        DynamoDetectionStore s = (DynamoDetectionStore) store;
        assertThat(s.createTableIfMissing()).as("already there").isFalse();
        var table = dynamo.client().describeTable(r -> r.tableName(s.table())).table();
        assertThat(table.globalSecondaryIndexes()).extracting(i -> i.indexName())
                .containsExactlyInAnyOrder(DynamoTable.GSI1, DynamoTable.GSI2);
        assertThat(table.globalSecondaryIndexes()).allSatisfy(i -> assertThat(i.indexStatus()).isEqualTo(IndexStatus.ACTIVE));
    }
}
