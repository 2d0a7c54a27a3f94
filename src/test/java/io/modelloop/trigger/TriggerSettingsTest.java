package io.modelloop.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TriggerSettingsTest {

    private static final String URL = "https://sqs.us-east-1.amazonaws.com/123456789012/modelloop-s3-events";

    private static Settings settings(String profile, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(extra);
        o.put("camel.main.profile", profile);
        return Settings.load(Path.of("config"), o);
    }

    @Test
    void theAwsProfileUsesSqsAndTheLocalProfilePolls() {
        assertThat(Triggers.kind(settings("aws", Map.of()))).isEqualTo(Triggers.Kind.SQS);
        assertThat(Triggers.kind(settings("local", Map.of()))).isEqualTo(Triggers.Kind.POLL);
        assertThat(Triggers.kind(settings("aws", Map.of("modelloop.trigger", "poll")))).isEqualTo(Triggers.Kind.POLL);
        assertThatThrownBy(() -> Triggers.kind(settings("aws", Map.of("modelloop.trigger", "s3"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("sqs, poll or none");
    }

    @Test
    void aQueueUrlIsUsedAsGivenAndNamesTheEndpoint() {
        Settings s = settings("aws", Map.of(
                "modelloop.sqs.queue-url", "https://sqs.eu-west-1.amazonaws.com/123456789012/prod-events",
                "modelloop.sqs.concurrent-consumers", "5"));
        // a configured URL needs no SQS call (no client given)
        String uri = SqsTrigger.endpointUri(s, SqsTrigger.queueUrl(s, null));
        assertThat(uri).startsWith("aws2-sqs://prod-events?")
                .contains("queueUrl=RAW(https://sqs.eu-west-1.amazonaws.com/123456789012/prod-events)",
                        "concurrentConsumers=5", "extendMessageVisibility=true", "visibilityTimeout=120",
                        "amazonSQSClient=#sqsClient", "autoCreateQueue=false");
    }

    @Test
    void badSqsSettingsAreRefusedWithTheKeyNamed() {
        assertThatThrownBy(() -> SqsTrigger.endpointUri(settings("aws", Map.of("modelloop.sqs.queue", " ")), URL))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("modelloop.sqs.queue-url");
        assertThatThrownBy(() -> SqsTrigger.endpointUri(settings("aws", Map.of("modelloop.sqs.wait-time-seconds", "30")), URL))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("wait-time-seconds");
        assertThatThrownBy(() -> SqsTrigger.endpointUri(settings("aws", Map.of("modelloop.sqs.concurrent-consumers", "0")), URL))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("concurrent-consumers");
    }
}
