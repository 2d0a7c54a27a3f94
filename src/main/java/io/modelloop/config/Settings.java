package io.modelloop.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The configuration of one ModelLoop process, read by Camel's properties component.
 *
 * Camel resolves every key: override properties (command-line options, tests) first, then an
 * environment variable named as Camel maps it (modelloop.http.port -> MODELLOOP_HTTP_PORT),
 * then the first location holding the key. The locations are application-PROFILE.properties
 * over application.properties, each from the config folder over the copy packaged in the jar,
 * so a folder that sets three keys leaves every other default in force. The profile is Camel
 * Main's own key, camel.main.profile (CAMEL_MAIN_PROFILE). Camel Main is given the same
 * locations and overrides, so the routes' {{placeholders}} and the camel.* keys in the files
 * read exactly what this class reads.
 */
public final class Settings {

    public static final Set<String> PROFILES = Set.of("local", "aws");
    public static final String PROFILE = "camel.main.profile";

    private final PropertiesComponent properties;
    private final List<String> locations;
    private final Map<String, String> overrides;

    private Settings(PropertiesComponent properties, List<String> locations, Map<String, String> overrides) {
        this.properties = properties;
        this.locations = List.copyOf(locations);
        this.overrides = Map.copyOf(overrides);
    }

    public static Settings load(Path configDir, Map<String, String> overrides) {
        PropertiesComponent pc = properties(locations(configDir, null), overrides);
        if (pc.loadProperties().isEmpty()) {
            throw new ConfigurationException("Configuration file application.properties not found in "
                    + (configDir == null ? "the jar" : configDir.toAbsolutePath() + " nor in the jar"));
        }
        String profile = pc.resolveProperty(PROFILE).map(String::trim).filter(p -> !p.isEmpty()).orElse("local");
        if (!PROFILES.contains(profile)) {
            throw new ConfigurationException("Unknown profile '" + profile + "' (" + PROFILE + ", environment variable "
                    + envName(PROFILE) + "): use one of " + PROFILES);
        }
        Map<String, String> withProfile = new TreeMap<>(overrides);
        withProfile.put(PROFILE, profile);
        List<String> all = locations(configDir, profile);
        return new Settings(read(pc, all, withProfile), all, withProfile);
    }

    /** Camel's properties component over these files, with these overrides (and the environment). */
    private static PropertiesComponent properties(List<String> locations, Map<String, String> overrides) {
        DefaultCamelContext camel = new DefaultCamelContext(false);
        camel.build();
        return read(camel.getPropertiesComponent(), locations, overrides);
    }

    private static PropertiesComponent read(PropertiesComponent pc, List<String> locations, Map<String, String> overrides) {
        pc.setLocation(String.join(",", locations));
        Properties o = new Properties();
        o.putAll(overrides);
        pc.setOverrideProperties(o);
        return pc;
    }

    /**
     * Camel takes a key from the first location holding it. As in Spring Boot, the operator's
     * folder wins over the jar, and within each the profile's file over application.properties.
     */
    private static List<String> locations(Path configDir, String profile) {
        List<String> l = new ArrayList<>();
        List<String> names = profile == null ? List.of("application.properties")
                : List.of("application-" + profile + ".properties", "application.properties");
        if (configDir != null && Files.isDirectory(configDir)) {
            Path dir = configDir.toAbsolutePath().normalize();
            names.forEach(n -> l.add("file:" + dir.resolve(n) + ";optional=true"));
        }
        names.forEach(n -> l.add("classpath:config/" + n + ";optional=true"));
        return l;
    }

    /** The environment variable Camel maps a key to: upper case, dots and dashes as underscores. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Where Camel Main reads the same files, highest priority first. */
    public String locations() {
        return String.join(",", locations);
    }

    /** The explicit overrides (command-line options, tests), for Camel Main's override properties. */
    public Map<String, String> overrides() {
        return overrides;
    }

    /**
     * The value in force, "" when blank. Every key has its default in application.properties,
     * so a key found nowhere is a mistake in the code or the files, not an unset option.
     */
    public String get(String key) {
        Optional<String> v;
        try {
            v = properties.resolveProperty(key);
        } catch (RuntimeException e) {
            throw new ConfigurationException("Configuration " + key + " cannot be read: " + e.getMessage());
        }
        if (v.isEmpty()) {
            throw new ConfigurationException("Configuration " + key + " is not defined in application.properties");
        }
        return v.get().trim();
    }

    public String require(String key) {
        String v = get(key);
        if (v.isBlank()) {
            throw new ConfigurationException("Missing configuration " + key + " (environment variable "
                    + envName(key) + ") for profile " + profile());
        }
        return v;
    }

    public int getInt(String key) {
        return (int) whole(key, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    public long getLong(String key) {
        return whole(key, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private long whole(String key, long min, long max) {
        String v = require(key);
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigurationException("Configuration " + key + " must be a whole number, got '" + v + "'");
        }
    }

    public boolean getBoolean(String key) {
        return Boolean.parseBoolean(get(key));
    }

    public String profile() {
        return get(PROFILE);
    }

    public boolean isLocal() {
        return "local".equals(profile());
    }

    public Path dataDir() {
        return Path.of(require("modelloop.data")).toAbsolutePath().normalize();
    }

    public String bucket() {
        return require("modelloop.bucket");
    }

    /** Every key the files and overrides define, with the value in force (environment included). */
    public Map<String, String> asMap() {
        Map<String, String> all = new TreeMap<>();
        properties.loadProperties().stringPropertyNames().forEach(k -> all.put(k, get(k)));
        overrides.keySet().forEach(k -> all.put(k, get(k)));
        return all;
    }

    public Settings with(String key, String value) {
        Map<String, String> copy = new TreeMap<>(overrides);
        copy.put(key, value);
        return new Settings(properties(locations, copy), locations, copy);
    }
}
