package io.modelloop.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderElectionSettingsTest {

    @TempDir
    Path tmp;

    private Settings settings(Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(Map.of("camel.main.profile", "local", "modelloop.data", tmp.toString()));
        o.putAll(extra);
        return Settings.load(Path.of("config"), o);
    }

    @Test
    void noneIsTheDefaultAndEveryInstanceLeads() {
        Settings s = settings(Map.of());
        LeaderElection e = LeaderElection.create(s, Map.of());
        assertThat(e.mode()).isEqualTo(LeaderElection.Mode.NONE);
        assertThat(e.isLeader()).isTrue();
        assertThat(LeaderElection.consumerPrefix(s)).isEmpty();
        assertThat(LeaderElection.mode(settings(Map.of("camel.main.profile", "aws")))).isEqualTo(LeaderElection.Mode.NONE);
    }

    @Test
    void kubernetesTakesPodNameAndNamespaceFromTheDownwardApiEnvironment() {
        Settings s = settings(Map.of("modelloop.leader.election", "kubernetes"));
        LeaderElection e = LeaderElection.create(s, Map.of("POD_NAME", "modelloop-7d9f-abcde", "POD_NAMESPACE", "ml",
                "HOSTNAME", "ignored"));
        assertThat(e.member()).isEqualTo("modelloop-7d9f-abcde");
        assertThat(e.describe()).containsEntry("namespace", "ml").containsEntry("lease", "modelloop-timers")
                .containsEntry("leaseDurationMs", 15000L).containsEntry("leader", false);
        assertThat(LeaderElection.consumerPrefix(s)).isEqualTo("master:timers:");

        LeaderElection configured = LeaderElection.create(settings(Map.of("modelloop.leader.election", "kubernetes",
                "modelloop.leader.pod-name", "pod-a", "modelloop.leader.namespace", "other",
                "modelloop.leader.lease-name", "ml")), Map.of("POD_NAME", "env-pod", "POD_NAMESPACE", "env-ns"));
        assertThat(configured.member()).isEqualTo("pod-a");
        assertThat(configured.describe()).containsEntry("namespace", "other").containsEntry("lease", "ml-timers");
    }

    @Test
    void kubernetesRefusesInconsistentTimingsAndMissingNames() {
        assertThatThrownBy(() -> LeaderElection.create(settings(Map.of("modelloop.leader.election", "kubernetes",
                "modelloop.leader.lease-duration-ms", "5000", "modelloop.leader.renew-deadline-ms", "5000")),
                Map.of("POD_NAME", "p", "POD_NAMESPACE", "n")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("lease-duration-ms > renew-deadline-ms");
        assertThatThrownBy(() -> LeaderElection.create(settings(Map.of("modelloop.leader.election", "kubernetes")),
                Map.of("POD_NAMESPACE", "n")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("POD_NAME");
        assertThatThrownBy(() -> LeaderElection.mode(settings(Map.of("modelloop.leader.election", "zookeeper"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("none, kubernetes or file");
    }

    @Test
    void fileUsesTheClusterFolderUnderTheDataFolderByDefault() {
        LeaderElection e = LeaderElection.create(settings(Map.of("modelloop.leader.election", "file")), Map.of());
        assertThat(e.mode()).isEqualTo(LeaderElection.Mode.FILE);
        assertThat(e.describe()).containsEntry("folder", tmp.resolve("cluster").toAbsolutePath().normalize().toString());
        assertThat(tmp.resolve("cluster")).isDirectory();
    }
}
