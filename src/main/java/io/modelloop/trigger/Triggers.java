package io.modelloop.trigger;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.detection.S3EventParser;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.CamelContext;
import software.amazon.awssdk.services.s3.S3Client;

/** Picks the new-image trigger from modelloop.trigger: sqs (aws default), poll (local default) or none. */
public final class Triggers {

    public enum Kind { SQS, POLL, NONE }

    private Triggers() {
    }

    public static Kind kind(Settings settings) {
        String v = settings.get("modelloop.trigger").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "sqs" -> Kind.SQS;
            case "poll" -> Kind.POLL;
            case "none" -> Kind.NONE;
            default -> throw new ConfigurationException("modelloop.trigger must be sqs, poll or none, got '" + v + "'");
        };
    }

    /** Binds what the trigger's route (routes/trigger-poll.yaml or routes/trigger-sqs.yaml) calls. */
    public static void bind(CamelContext camel, Settings settings, S3Client s3) {
        switch (kind(settings)) {
            case SQS -> camel.getRegistry().bind("s3EventParser", new S3EventParser());
            case POLL -> {
                if (settings.getLong("modelloop.poll.interval-ms") < 1) {
                    throw new ConfigurationException("modelloop.poll.interval-ms must be at least 1, got "
                            + settings.get("modelloop.poll.interval-ms"));
                }
                PollingTrigger.bind(camel, s3, settings.bucket(),
                        (int) settings.getLong("modelloop.poll.concurrent-consumers"), pollLedger(settings));
            }
            case NONE -> { }
        }
    }

    /** Placeholders for the trigger routes' preconditions: modelloop.trigger.poll.enabled, ...sqs.enabled. */
    public static Map<String, String> placeholders(Settings settings) {
        return Map.of("modelloop.trigger.poll.enabled", Boolean.toString(kind(settings) == Kind.POLL),
                "modelloop.trigger.sqs.enabled", Boolean.toString(kind(settings) == Kind.SQS));
    }

    /** The polling trigger's record of the versions it handed off (survives restarts). */
    public static java.nio.file.Path pollLedger(Settings settings) {
        return settings.dataDir().resolve("trigger").resolve("polled-versions.txt");
    }
}
