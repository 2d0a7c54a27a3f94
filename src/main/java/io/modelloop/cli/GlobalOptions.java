package io.modelloop.cli;

import io.modelloop.config.Settings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every sub-command takes; each has an environment variable too. */
public final class GlobalOptions {

    @Option(names = "--profile", paramLabel = "local|aws",
            description = "Profile: local (no cloud account, the default) or aws. Env: CAMEL_MAIN_PROFILE")
    String profile;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Data folder (local bucket, parameters, notifications). Default ./data. Env: MODELLOOP_DATA")
    Path data;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Business HTTP port (console, /api). Default 8080. Env: MODELLOOP_HTTP_PORT")
    Integer httpPort;

    @Option(names = "--management-port", paramLabel = "PORT",
            description = "Management port (/observe/health, metrics, jolokia). Default 8081. Env: MODELLOOP_MANAGEMENT_PORT")
    Integer managementPort;

    @Option(names = "--s3-port", paramLabel = "PORT",
            description = "Port of the local profile's in-process S3 store. Default 9000. Env: MODELLOOP_S3_PORT")
    Integer s3Port;

    @Option(names = "--config", paramLabel = "DIR",
            description = "Folder with application*.properties. Default ./config, else the copy in the jar. Env: MODELLOOP_CONFIG")
    Path config;

    @Option(names = "--dev", description = "Development mode: YAML routes under routes/ reload on save. Env: MODELLOOP_DEV=true")
    boolean dev;

    public Settings settings() {
        Map<String, String> overrides = new HashMap<>();
        if (profile != null) {
            overrides.put("camel.main.profile", profile);
        }
        if (data != null) {
            overrides.put("modelloop.data", data.toString());
        }
        if (httpPort != null) {
            overrides.put("modelloop.http.port", port("--http-port", httpPort));
        }
        if (managementPort != null) {
            overrides.put("modelloop.management.port", port("--management-port", managementPort));
        }
        if (s3Port != null) {
            overrides.put("modelloop.s3.port", port("--s3-port", s3Port));
        }
        if (dev) {
            overrides.put("modelloop.dev", "true");
        }
        Map<String, String> env = System.getenv();
        Path configDir = config != null ? config
                : Path.of(env.getOrDefault("MODELLOOP_CONFIG", "config"));
        return Settings.load(configDir, overrides);
    }

    private static String port(String option, int port) {
        if (port < 0 || port > 65535) {
            throw new io.modelloop.config.ConfigurationException(option + " must be a port from 0 to 65535, got " + port);
        }
        return Integer.toString(port);
    }

    /** These options, with any left unset taken from the ones given before the sub-command. */
    GlobalOptions over(GlobalOptions outer) {
        GlobalOptions m = new GlobalOptions();
        m.profile = profile != null ? profile : outer.profile;
        m.data = data != null ? data : outer.data;
        m.httpPort = httpPort != null ? httpPort : outer.httpPort;
        m.managementPort = managementPort != null ? managementPort : outer.managementPort;
        m.s3Port = s3Port != null ? s3Port : outer.s3Port;
        m.config = config != null ? config : outer.config;
        m.dev = dev || outer.dev;
        return m;
    }
}
