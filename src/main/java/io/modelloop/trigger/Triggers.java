package io.modelloop.trigger;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import io.modelloop.schedule.TimerPlacement;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Picks the new-image trigger from modelloop.trigger: sqs (aws default), poll (local default) or none. */
public final class Triggers {

    public enum Kind { SQS, POLL, NONE }

    private Triggers() {
    }

    public static Kind kind(Settings settings) {
        String v = settings.get("modelloop.trigger", settings.isLocal() ? "poll" : "sqs").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "sqs" -> Kind.SQS;
            case "poll" -> Kind.POLL;
            case "none" -> Kind.NONE;
            default -> throw new ConfigurationException("modelloop.trigger must be sqs, poll or none, got '" + v + "'");
        };
    }

    /** The trigger's routes; {@code sqs} must be the client bound as #sqsClient when the kind is SQS. */
    public static Optional<org.apache.camel.builder.RouteBuilder> routes(Settings settings, S3Client s3, SqsClient sqs,
            TimerPlacement placement) {
        return switch (kind(settings)) {
            case SQS -> Optional.of(new SqsTriggerRoutes(settings, sqs));
            case POLL -> Optional.of(new PollingTriggerRoutes(s3, settings.bucket(),
                    settings.getLong("modelloop.poll.interval-ms", 10_000),
                    (int) settings.getLong("modelloop.poll.concurrent-consumers", 2), placement,
                    pollLedger(settings)));
            case NONE -> Optional.empty();
        };
    }

    /** The polling trigger's record of the versions it handed off (survives restarts). */
    public static java.nio.file.Path pollLedger(Settings settings) {
        return settings.dataDir().resolve("trigger").resolve("polled-versions.txt");
    }
}
