package io.modelloop.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.storage.DynamoTable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
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
    void answeringASampleAndReadingTheAgreementQueriesNoDetections() {
        for (int i = 0; i < 30; i++) {
            store.insertIfAbsent(classified("d" + i, T0.plusSeconds(i), "cat", 90.0));
        }
        store.attachLoop("d7", "sample-7", HumanLoop.HUMAN_SAMPLING);
        store.attachLoop("d8", "sample-8", HumanLoop.HUMAN_SAMPLING);
        store.recordReview("d7", "cat", T0, null, true); // the first answer may count an older table once
        List<String> calls = new ArrayList<>();
        DynamoDbClient counting = (DynamoDbClient) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    try {
                        return method.invoke(dynamo.client(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        DynamoDetectionStore s = new DynamoDetectionStore(counting, ((DynamoDetectionStore) store).table());

        s.recordReview("d8", "dog", T0, null, false);
        assertThat(s.sampleAgreement()).isEqualTo(new SampleAgreement(2, 1));

        assertThat(calls).as("no Query or Scan over the detections").noneMatch(c -> c.startsWith("query") || c.startsWith("scan"));
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
