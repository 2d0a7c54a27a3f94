package io.modelloop.notify;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.CamelContext;

/** Builds the sinks named in modelloop.notify.sinks: the one place that knows every sink class. */
public final class NotificationSinkFactory {

    private NotificationSinkFactory() {
    }

    public static NotificationSinks create(Settings settings, CamelContext camel) {
        List<NotificationSink> sinks = new ArrayList<>();
        List<String> names = Arrays.stream(settings.get("modelloop.notify.sinks").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        for (String name : names) {
            sinks.add(switch (name) {
                case "jsonl" -> new JsonLinesSink(camel.createProducerTemplate(),
                        settings.dataDir().resolve("notifications.jsonl"));
                case "sns" -> new SnsSink(camel.createProducerTemplate(), settings.require("modelloop.notify.sns.topic-arn"));
                case "smtp" -> new SmtpSink(camel.createProducerTemplate(), SmtpSink.Config.from(settings));
                case "webhook" -> new WebhookSink(camel.createProducerTemplate(), settings.require("modelloop.notify.webhook.url"));
                default -> throw new ConfigurationException("Unknown notification sink '" + name
                        + "' in modelloop.notify.sinks: use jsonl, sns, smtp or webhook");
            });
        }
        return new NotificationSinks(sinks);
    }
}
