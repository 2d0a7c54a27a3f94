package io.modelloop.notify;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The sinks named in modelloop.notify.sinks. Their delivery routes live in
 * routes/notifications.yaml; this class checks the configuration at start-up (so a missing
 * topic or host stops the start with a clear message instead of failing at the first
 * notification) and gives those routes the placeholders they cannot compute themselves.
 */
public final class NotificationSinks {

    public static final List<String> KNOWN = List.of("jsonl", "sns", "smtp", "webhook");

    private final List<String> names;
    private final Map<String, String> placeholders;

    private NotificationSinks(List<String> names, Map<String, String> placeholders) {
        this.names = List.copyOf(names);
        this.placeholders = Map.copyOf(placeholders);
    }

    public static NotificationSinks from(Settings settings) {
        List<String> names = Arrays.stream(settings.get("modelloop.notify.sinks").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        for (String name : names) {
            switch (name) {
                case "jsonl" -> { }
                case "sns" -> settings.require("modelloop.notify.sns.topic-arn");
                case "smtp" -> List.of("host", "from", "to").forEach(k -> settings.require("modelloop.notify.smtp." + k));
                case "webhook" -> settings.require("modelloop.notify.webhook.url");
                default -> throw new ConfigurationException("Unknown notification sink '" + name
                        + "' in modelloop.notify.sinks: use " + String.join(", ", KNOWN));
            }
        }
        return new NotificationSinks(names, placeholders(names, settings));
    }

    public List<String> names() {
        return names;
    }

    /** Recipient list of the notify route: one queue per configured sink. */
    public String endpoints() {
        return names.stream().map(s -> "seda:notify-" + s + "?waitForTaskToComplete=Never").collect(Collectors.joining(","));
    }

    /**
     * Placeholders for routes/notifications.yaml: {@code modelloop.notify.<sink>.enabled} (each
     * sink route's precondition), the webhook's host (its endpoint and errors name the host only)
     * and the SMTP credentials, present only when a username is configured so that the route's
     * optional {@code {{?...}}} placeholders leave authentication out otherwise.
     */
    public Map<String, String> placeholders() {
        return placeholders;
    }

    private static Map<String, String> placeholders(List<String> names, Settings settings) {
        Map<String, String> p = new LinkedHashMap<>();
        for (String sink : KNOWN) {
            p.put("modelloop.notify." + sink + ".enabled", Boolean.toString(names.contains(sink)));
        }
        if (names.contains("webhook")) {
            p.put("modelloop.notify.webhook.shown-as", shownAs(settings.get("modelloop.notify.webhook.url")));
        }
        String password = names.contains("smtp") ? smtpPassword(settings) : null;
        if (password != null) {
            p.put("modelloop.notify.smtp.auth.username", settings.get("modelloop.notify.smtp.username"));
            p.put("modelloop.notify.smtp.auth.password", password);
        }
        return p;
    }

    /** The password in modelloop.notify.smtp.password-file (a mounted secret); null when no username is set. */
    private static String smtpPassword(Settings settings) {
        if (settings.get("modelloop.notify.smtp.username").isBlank()) {
            return null;
        }
        String file = settings.get("modelloop.notify.smtp.password-file");
        if (file.isBlank()) {
            throw new ConfigurationException("modelloop.notify.smtp.username is set but modelloop.notify.smtp.password-file is not");
        }
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            throw new ConfigurationException("Cannot read SMTP password file " + file + ": " + e.getMessage());
        }
    }

    /** Webhook URLs often carry a token in the path or query (Slack, Teams): logs and health name the host only. */
    static String shownAs(String url) {
        try {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException e) {
            return "(unparseable URL)";
        }
    }
}
