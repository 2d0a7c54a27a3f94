package io.modelloop;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Health, metrics and Jolokia of a local run are reachable from this machine only, unless configured. */
class ManagementBindTest {

    static String managementHost(Map<String, String> env, String profile) {
        Settings s = Settings.load(Path.of("config"), env, Map.of("modelloop.profile", profile));
        return CamelSettings.toCamelProperties(s, io.modelloop.notify.NotificationSinks.from(s)).getProperty("camel.management.host");
    }

    @Test
    void theLocalProfileBindsTheManagementServerToLoopback() {
        assertThat(managementHost(Map.of(), "local")).isEqualTo("127.0.0.1");
    }

    @Test
    void anEnvironmentVariableOpensItAsTheKubernetesManifestsDo() {
        assertThat(managementHost(Map.of("MODELLOOP_MANAGEMENT_HOST", "0.0.0.0"), "local")).isEqualTo("0.0.0.0");
    }
}
