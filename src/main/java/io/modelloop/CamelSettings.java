package io.modelloop;

import io.modelloop.config.Settings;
import io.modelloop.notify.NotificationSinks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/** Maps ModelLoop's settings onto Camel Main's own configuration keys. */
final class CamelSettings {

    private CamelSettings() {
    }

    static Path routesDir(Settings s) {
        return Path.of(s.get("modelloop.routes.dir", "routes")).toAbsolutePath().normalize();
    }

    /** The placeholders the YAML routes read: every modelloop.* key, and a few derived from them. */
    static Properties placeholders(Settings s, NotificationSinks sinks) {
        Properties p = new Properties();
        for (Map.Entry<String, String> e : s.asMap().entrySet()) {
            p.setProperty(e.getKey(), e.getValue());
        }
        p.setProperty("modelloop.data", s.dataDir().toString());
        sinks.placeholders().forEach(p::setProperty);
        io.modelloop.trigger.Triggers.placeholders(s).forEach(p::setProperty);
        // leader-only YAML timers start with {{modelloop.leader.consumer-prefix}}: "" or "master:timers:"
        p.setProperty("modelloop.leader.consumer-prefix", io.modelloop.schedule.LeaderElection.consumerPrefix(s));
        return p;
    }

    /** @param sinks the sinks ModelLoop checked at start-up (their placeholders hold the SMTP password read once) */
    static Properties toCamelProperties(Settings s, NotificationSinks sinks) {
        Properties p = placeholders(s, sinks);
        p.setProperty("camel.main.name", "modelloop");
        p.setProperty("camel.main.shutdownTimeout", s.get("modelloop.shutdown.timeout-seconds", "30"));
        p.setProperty("camel.main.jmxEnabled", "true");
        // Camel Main would log every placeholder a route used with its value; it masks passwords
        // by key name, but not a token inside a webhook URL
        p.setProperty("camel.main.autoConfigurationLogSummary", "false");

        Path routes = routesDir(s);
        boolean onDisk = Files.isDirectory(routes);
        p.setProperty("camel.main.routesIncludePattern",
                onDisk ? "file:" + routes + "/*.yaml" : "classpath:routes/*.yaml");
        if (s.getBoolean("modelloop.dev") && onDisk) {
            p.setProperty("camel.main.routesReloadEnabled", "true");
            p.setProperty("camel.main.routesReloadDirectory", routes.toString());
            p.setProperty("camel.main.routesReloadPattern", "*.yaml");
            // with the default (true) a YAML reload also removes the Java DSL routes
            p.setProperty("camel.main.routesReloadRemoveAllRoutes", "false");
        }

        p.setProperty("camel.server.enabled", "true");
        p.setProperty("camel.server.host", s.get("modelloop.http.host", "0.0.0.0"));
        p.setProperty("camel.server.port", s.get("modelloop.http.port", "8080"));

        p.setProperty("camel.management.enabled", "true");
        p.setProperty("camel.management.host", s.get("modelloop.management.host", "0.0.0.0"));
        p.setProperty("camel.management.port", s.get("modelloop.management.port", "8081"));
        p.setProperty("camel.management.healthCheckEnabled", "true");
        p.setProperty("camel.management.metricsEnabled", "true");
        p.setProperty("camel.management.jolokiaEnabled", "true");
        p.setProperty("camel.management.infoEnabled", "true");
        String authFile = s.get("modelloop.management.auth-file");
        if (!authFile.isBlank()) {
            p.setProperty("camel.management.authenticationEnabled", "true");
            p.setProperty("camel.management.basicPropertiesFile", authFile);
            p.setProperty("camel.management.authenticationPath", s.get("modelloop.management.auth-path", "/*"));
        }
        // camel-http (the webhook sink) would otherwise re-send on 503/429 and I/O errors inside
        // each attempt of the sink route, which already retries with back-off; a webhook must
        // not hold its sink's queue for minutes either
        for (String http : new String[] {"http", "https"}) {
            p.setProperty("camel.component." + http + ".automaticRetriesDisabled", "true");
            p.setProperty("camel.component." + http + ".connectTimeout", "10000");
            p.setProperty("camel.component." + http + ".responseTimeout", "10000");
        }
        p.setProperty("camel.metrics.enabled", "true");
        // exchange-event meters clash in Prometheus (same name, different tag keys); route policy metrics cover routes
        p.setProperty("camel.metrics.enableExchangeEventNotifier", "false");
        p.setProperty("camel.metrics.binders", "jvm-memory,jvm-gc,jvm-thread,processor,uptime");
        p.setProperty("camel.health.routesEnabled", "true");
        p.setProperty("camel.health.consumersEnabled", "true");
        return p;
    }
}
