package io.modelloop.trigger;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.detection.S3EventParser;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The new-image trigger (modelloop.trigger): what routes/trigger-sqs.yaml or trigger-poll.yaml
 * calls. Only the chosen trigger's beans exist; the other route does not start (precondition).
 */
@Configuration
public class TriggerConfiguration implements CamelConfiguration {

    private final Settings settings;

    public TriggerConfiguration(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void configure(CamelContext camel) {
        switch (Triggers.kind(settings)) {
            case SQS -> camel.getRegistry().bind("s3EventParser", new S3EventParser());
            case POLL -> {
                if (settings.getLong("modelloop.poll.interval-ms") < 1) {
                    throw new ConfigurationException("modelloop.poll.interval-ms must be at least 1, got "
                            + settings.get("modelloop.poll.interval-ms"));
                }
                // pollingTrigger and its pool
                PollingTrigger.bind(camel, camel.getRegistry().findSingleByType(S3Client.class), settings.bucket(),
                        (int) settings.getLong("modelloop.poll.concurrent-consumers"), Triggers.pollLedger(settings));
            }
            case NONE -> { }
        }
    }
}
