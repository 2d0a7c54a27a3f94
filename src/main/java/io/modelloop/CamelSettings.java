package io.modelloop;

import io.modelloop.config.Settings;
import io.modelloop.notify.NotificationSinks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What Camel Main is given besides the configuration files it reads itself (their camel.* keys
 * hold everything static): the explicit overrides, values computed at start-up, and the few
 * camel.* keys that depend on what is on disk.
 */
final class CamelSettings {

    private CamelSettings() {
    }

    static Path routesDir(Settings s) {
        return Path.of(s.require("modelloop.routes.dir")).toAbsolutePath().normalize();
    }

    /** Placeholders computed at start-up, over the explicit overrides (command line, tests). */
    static Properties placeholders(Settings s, NotificationSinks sinks) {
        Properties p = new Properties();
        p.putAll(s.overrides());
        p.setProperty("modelloop.data", s.dataDir().toString());
        sinks.placeholders().forEach(p::setProperty);
        io.modelloop.trigger.Triggers.placeholders(s).forEach(p::setProperty);
        // leader-only YAML timers start with {{modelloop.leader.consumer-prefix}}: "" or "master:timers:"
        p.setProperty("modelloop.leader.consumer-prefix", io.modelloop.schedule.LeaderElection.consumerPrefix(s));
        return p;
    }

    /** @param sinks the sinks ModelLoop checked at start-up (their placeholders hold the SMTP password read once) */
    static Properties overrideProperties(Settings s, NotificationSinks sinks) {
        Properties p = placeholders(s, sinks);
        Path routes = routesDir(s);
        boolean onDisk = Files.isDirectory(routes);
        p.setProperty("camel.main.routesIncludePattern",
                onDisk ? "file:" + routes + "/*.yaml" : "classpath:routes/*.yaml");
        if (s.getBoolean("modelloop.dev") && onDisk) {
            p.setProperty("camel.main.routesReloadEnabled", "true");
            p.setProperty("camel.main.routesReloadDirectory", routes.toString());
        }
        if (!s.get("modelloop.management.auth-file").isBlank()) {
            p.setProperty("camel.management.authenticationEnabled", "true");
        }
        return p;
    }
}
