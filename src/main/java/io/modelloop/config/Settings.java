package io.modelloop.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The merged configuration of one ModelLoop process.
 *
 * Layers, lowest first: application.properties, application-PROFILE.properties (each from the
 * config folder when it exists, else the copy packaged in the jar), environment variables
 * named after a key (modelloop.http.port -> MODELLOOP_HTTP_PORT), then explicit overrides
 * (command-line options, tests).
 */
public final class Settings {

    public static final Set<String> PROFILES = Set.of("local", "aws");

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Settings load(Path configDir, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>();
        merged.putAll(readLayer(configDir, "application.properties", true));
        String profile = firstNonBlank(overrides.get("modelloop.profile"), env.get(envName("modelloop.profile")),
                merged.get("modelloop.profile"), "local");
        if (!PROFILES.contains(profile)) {
            throw new ConfigurationException("Unknown profile '" + profile + "': use one of " + PROFILES);
        }
        merged.putAll(readLayer(configDir, "application-" + profile + ".properties", false));
        for (String key : Set.copyOf(merged.keySet())) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) {
                merged.put(key, fromEnv);
            }
        }
        merged.putAll(overrides);
        merged.put("modelloop.profile", profile);
        return new Settings(merged);
    }

    /** The environment variable that overrides a key: upper case, dots and dashes as underscores. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Map<String, String> readLayer(Path configDir, String name, boolean required) {
        Properties props = new Properties();
        Path onDisk = configDir == null ? null : configDir.resolve(name);
        try {
            if (onDisk != null && Files.isRegularFile(onDisk)) {
                try (Reader r = Files.newBufferedReader(onDisk, StandardCharsets.UTF_8)) {
                    props.load(r);
                }
            } else {
                try (InputStream in = Settings.class.getResourceAsStream("/config/" + name)) {
                    if (in == null) {
                        if (required) {
                            throw new ConfigurationException("Configuration file " + name + " not found");
                        }
                        return Map.of();
                    }
                    props.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new ConfigurationException("Cannot read configuration " + name + ": " + e.getMessage());
        }
        Map<String, String> out = new TreeMap<>();
        props.forEach((k, v) -> out.put(k.toString(), v.toString().trim()));
        return out;
    }

    private static String firstNonBlank(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isBlank()) {
                return c.trim();
            }
        }
        return null;
    }

    public String get(String key) {
        String v = values.get(key);
        return v == null ? "" : v;
    }

    public String get(String key, String fallback) {
        String v = values.get(key);
        return v == null || v.isBlank() ? fallback : v;
    }

    public String require(String key) {
        String v = get(key);
        if (v.isBlank()) {
            throw new ConfigurationException("Missing configuration " + key + " (environment variable "
                    + envName(key) + ") for profile " + profile());
        }
        return v;
    }

    public int getInt(String key, int fallback) {
        String v = get(key);
        if (v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("Configuration " + key + " must be a whole number, got '" + v + "'");
        }
    }

    public long getLong(String key, long fallback) {
        String v = get(key);
        if (v.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException("Configuration " + key + " must be a whole number, got '" + v + "'");
        }
    }

    public boolean getBoolean(String key) {
        return Boolean.parseBoolean(get(key).trim());
    }

    public String profile() {
        return get("modelloop.profile");
    }

    public boolean isLocal() {
        return "local".equals(profile());
    }

    public Path dataDir() {
        return Path.of(get("modelloop.data", "data")).toAbsolutePath().normalize();
    }

    public String bucket() {
        return require("modelloop.bucket");
    }

    /** A copy of every key and value, for handing the modelloop.* keys to Camel's placeholders. */
    public Map<String, String> asMap() {
        return values;
    }

    public Settings with(String key, String value) {
        Map<String, String> copy = new TreeMap<>(values);
        copy.put(key, value);
        return new Settings(copy);
    }
}
