package io.modelloop.trigger;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import java.util.Locale;
import java.util.Map;

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
