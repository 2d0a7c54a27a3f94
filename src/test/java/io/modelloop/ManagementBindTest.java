package io.modelloop;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Health, metrics and Jolokia of a local run are reachable from this machine only, unless configured. */
class ManagementBindTest {

    static String managementHost(Map<String, String> overrides) {
        return Settings.load(Path.of("config"), overrides).get("camel.management.host");
    }

    @Test
    void theLocalProfileBindsTheManagementServerToLoopback() {
        assertThat(managementHost(Map.of("camel.main.profile", "local"))).isEqualTo("127.0.0.1");
    }

    @Test
    void theAwsProfileListensOnEveryInterfaceForProbesAndScrapes() {
        assertThat(managementHost(Map.of("camel.main.profile", "aws"))).isEqualTo("0.0.0.0");
    }
}
