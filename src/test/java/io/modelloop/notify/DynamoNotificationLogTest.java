package io.modelloop.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.runs.DynamoRunStore;
import io.modelloop.runs.RunRecorder;
import io.modelloop.storage.DynamoTable;
import io.modelloop.testing.DynamoLocal;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** The contract on DynamoDB Local, a fresh table per test. */
class DynamoNotificationLogTest extends NotificationLogContract {

    static DynamoLocal dynamo;
    private String table;

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
    protected NotificationLog newLog() {
        table = DynamoLocal.freshTableName("notifications");
        DynamoNotificationLog l = new DynamoNotificationLog(dynamo.client(), table);
        assertThat(l.createTableIfMissing()).isTrue();
        return l;
    }

    @Test
    void itemsCarryATtlThirtyDaysOnAndTheTableHasTtlOn() {
        log.append(LoggedNotification.of(notification("ModelRunning", 1)));

        var items = dynamo.client().scan(r -> r.tableName(table)).items();
        assertThat(items).singleElement().satisfies(item -> {
            assertThat(item.get("pk").s()).startsWith("NOTE#");
            assertThat(item.get(DynamoTable.TTL).n())
                    .isEqualTo(Long.toString(T0.plusSeconds(1).plus(Duration.ofDays(30)).getEpochSecond()));
        });
        var ttl = dynamo.client().describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription();
        assertThat(ttl.attributeName()).isEqualTo(DynamoTable.TTL);
        assertThat(ttl.timeToLiveStatus()).isIn(TimeToLiveStatus.ENABLED, TimeToLiveStatus.ENABLING);
    }

    @Test
    void sharesTheTableWithRunsWithoutSeeingThem() {
        new RunRecorder(new DynamoRunStore(dynamo.client(), table), Clock.systemUTC()).start("DETECTION", Map.of());
        log.append(LoggedNotification.of(notification("ImageClassified", 1)));

        assertThat(log.newestFirst(null, 10)).extracting(LoggedNotification::type).containsExactly("ImageClassified");
        assertThat(dynamo.client().scan(r -> r.tableName(table)).items()).extracting(i -> i.get("pk"))
                .extracting(AttributeValue::s).anySatisfy(pk -> assertThat(pk).startsWith("RUN#"));
    }
}
