package io.modelloop.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifests under k8s/ as a cluster would receive them: each overlay rendered by
 * {@code kubectl kustomize k8s/overlays/X} (Debian's kubectl 1.20 with kustomize v2.0.3, or any
 * newer kubectl; {@code KUBECTL=/path/to/kubectl} picks another binary) and read back with the
 * fabric8 Kubernetes model. The base's ConfigMaps come from the copies of config/ and routes/
 * that {@code mvn generate-resources} puts in k8s/base/app/, so this runs after that phase.
 */
class KustomizeManifestsTest {

    static final Path ROOT = Path.of("").toAbsolutePath();
    static final KubernetesSerialization YAML = new KubernetesSerialization();
    static final Map<String, List<HasMetadata>> RENDERED = new HashMap<>();

    // ---- rendering ------------------------------------------------------------------------

    static String kubectl() {
        String k = System.getenv("KUBECTL");
        return k == null || k.isBlank() ? "kubectl" : k;
    }

    static synchronized List<HasMetadata> render(String overlay) {
        return RENDERED.computeIfAbsent(overlay, KustomizeManifestsTest::renderNow);
    }

    private static List<HasMetadata> renderNow(String overlay) {
        assertThat(ROOT.resolve("k8s/base/app/config/application.properties"))
                .as("k8s/base/app/config/ is made by `mvn generate-resources` (maven-resources-plugin copy-resources); "
                        + "run the tests through Maven")
                .exists();
        String out = run(kubectl(), "kustomize", "k8s/overlays/" + overlay);
        Object parsed = YAML.unmarshal(out);
        List<HasMetadata> items = new ArrayList<>();
        if (parsed instanceof List<?> list) {
            list.forEach(o -> items.add((HasMetadata) o));
        } else {
            items.add((HasMetadata) parsed);
        }
        return items;
    }

    private static String run(String... command) {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(ROOT.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("Cannot run `" + String.join(" ", command) + "` (" + e.getMessage()
                    + "). The Kubernetes manifest tests need kubectl: `apt-get install -y kubernetes-client` "
                    + "(Debian, kubectl 1.20) or any kubectl on the PATH, or KUBECTL=/path/to/kubectl.", e);
        }
        try (InputStream stdout = p.getInputStream(); InputStream stderr = p.getErrorStream()) {
            // kustomize's output is a few tens of kB; read both streams before waiting
            var err = new java.util.concurrent.CompletableFuture<String>();
            Thread t = new Thread(() -> {
                try {
                    err.complete(new String(stderr.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    err.complete(e.toString());
                }
            });
            t.start();
            String out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("`%s` did not finish in 60 s", String.join(" ", command));
            }
            t.join();
            if (p.exitValue() != 0) {
                fail("`%s` failed (exit %d):%n%s", String.join(" ", command), p.exitValue(), err.join());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static <T extends HasMetadata> List<T> all(String overlay, Class<T> type) {
        return render(overlay).stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends HasMetadata> T one(String overlay, Class<T> type, String namePrefix) {
        List<T> found = all(overlay, type).stream()
                .filter(r -> r.getMetadata().getName().startsWith(namePrefix)).toList();
        assertThat(found).as("%s %s* in overlay %s", type.getSimpleName(), namePrefix, overlay).hasSize(1);
        return found.get(0);
    }

    static Deployment deployment(String overlay) {
        return one(overlay, Deployment.class, "modelloop");
    }

    static PodSpec pod(String overlay) {
        return deployment(overlay).getSpec().getTemplate().getSpec();
    }

    static Container container(String overlay) {
        List<Container> cs = pod(overlay).getContainers();
        assertThat(cs).hasSize(1);
        return cs.get(0);
    }

    static Map<String, EnvVar> env(String overlay) {
        Map<String, EnvVar> m = new TreeMap<>();
        Optional.ofNullable(container(overlay).getEnv()).orElse(List.of()).forEach(e -> m.put(e.getName(), e));
        return m;
    }

    static String envValue(String overlay, String name) {
        EnvVar e = env(overlay).get(name);
        assertThat(e).as("env %s in overlay %s", name, overlay).isNotNull();
        return e.getValue();
    }

    static Volume volume(String overlay, String name) {
        return pod(overlay).getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name + " in overlay " + overlay));
    }

    static VolumeMount mountAt(String overlay, String path) {
        return container(overlay).getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + path + " in overlay " + overlay));
    }

    static Map<String, String> settings(String overlay) {
        String name = container(overlay).getEnvFrom().get(0).getConfigMapRef().getName();
        return all(overlay, ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("envFrom ConfigMap " + name + " is not rendered"))
                .getData();
    }

    static Map<String, String> filesOf(String folder, String suffix) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(ROOT.resolve(folder))) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(suffix)).toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        return files;
    }

    // ---- every overlay ----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"aws", "local", "dev"})
    void rendersWithTheExpectedObjects(String overlay) {
        Map<String, Long> kinds = render(overlay).stream()
                .collect(Collectors.groupingBy(HasMetadata::getKind, TreeMap::new, Collectors.counting()));
        assertThat(kinds).containsEntry("Deployment", 1L).containsEntry("Service", 1L)
                .containsEntry("ServiceAccount", 1L).containsEntry("Role", 1L).containsEntry("RoleBinding", 1L)
                .containsEntry("PodDisruptionBudget", 1L).containsEntry("NetworkPolicy", 1L)
                .containsEntry("ConfigMap", 3L).containsEntry("Namespace", 1L);
        // every namespaced object lands in the one namespace
        for (HasMetadata r : render(overlay)) {
            if (!r.getKind().equals("Namespace")) {
                assertThat(r.getMetadata().getNamespace()).as(r.getKind() + " " + r.getMetadata().getName())
                        .isEqualTo("modelloop");
            }
        }
        // every mount has its volume
        List<String> volumes = pod(overlay).getVolumes().stream().map(Volume::getName).toList();
        assertThat(container(overlay).getVolumeMounts()).allSatisfy(m -> assertThat(volumes).contains(m.getName()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws", "local", "dev"})
    void everyFieldIsOneTheKubernetesApiKnows(String overlay) {
        // fabric8 keeps fields it does not know in additionalProperties: a misspelt or misplaced
        // field (e.g. sizeLimt, a probe under the pod) would be silently ignored by the API server
        List<String> unknown = new ArrayList<>();
        for (HasMetadata r : render(overlay)) {
            unknownFields(r, r.getKind() + "/" + r.getMetadata().getName(), unknown);
        }
        assertThat(unknown).isEmpty();
    }

    private static void unknownFields(Object o, String where, List<String> unknown) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean) {
            return;
        }
        if (o instanceof Iterable<?> list) {
            int i = 0;
            for (Object e : list) {
                unknownFields(e, where + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, where + "." + k, unknown));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (var m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object v = m.invoke(o);
                if (m.getName().equals("getAdditionalProperties")) {
                    if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        unknown.add(where + ": " + extra.keySet());
                    }
                } else {
                    unknownFields(v, where + "." + m.getName().substring(3), unknown);
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws", "local", "dev"})
    void theManagementServerListensBeyondLoopbackForProbes(String overlay) {
        // the local profile binds it to 127.0.0.1 by default, which kubelet's probes could not reach
        assertThat(envValue(overlay, "MODELLOOP_MANAGEMENT_HOST")).isEqualTo("0.0.0.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws", "local", "dev"})
    void portsAndProbesUseTheManagementServer(String overlay) {
        Container c = container(overlay);
        Map<String, Integer> ports = c.getPorts().stream()
                .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
        // Hawtio finds pods by the container port named "jolokia"
        assertThat(ports).containsExactlyInAnyOrderEntriesOf(Map.of("http", 8080, "jolokia", 8081));

        assertProbe(c.getLivenessProbe(), "/observe/health/live");
        assertProbe(c.getReadinessProbe(), "/observe/health/ready");
        assertProbe(c.getStartupProbe(), "/observe/health/live");
        // the start-up probe gives a slow start (JVM, first libtorch unpack) a couple of minutes
        Probe startup = c.getStartupProbe();
        assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).isGreaterThanOrEqualTo(120);

        Map<String, String> annotations = deployment(overlay).getSpec().getTemplate().getMetadata().getAnnotations();
        assertThat(annotations).containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "8081")
                .containsEntry("prometheus.io/path", "/observe/metrics")
                .containsEntry("hawt.io/jolokiaPath", "/observe/jolokia/").containsEntry("hawt.io/protocol", "http");
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe).as(path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        var port = probe.getHttpGet().getPort();
        assertThat(port.getIntVal() != null ? port.getIntVal().toString() : port.getStrVal()).isIn("8081", "jolokia");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws", "local", "dev"})
    void runsAsNonRootOnAReadOnlyRootFileSystem(String overlay) {
        PodSecurityContext podSc = pod(overlay).getSecurityContext();
        assertThat(podSc.getRunAsNonRoot()).isTrue();
        assertThat(podSc.getRunAsUser()).isEqualTo(10001L);
        assertThat(podSc.getRunAsGroup()).isEqualTo(10001L);
        assertThat(podSc.getFsGroup()).isEqualTo(10001L);
        assertThat(podSc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

        SecurityContext sc = container(overlay).getSecurityContext();
        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();

        // the only writable places: /tmp and the data folder
        assertThat(mountAt(overlay, "/tmp").getReadOnly()).isNotEqualTo(Boolean.TRUE);
        assertThat(volume(overlay, mountAt(overlay, "/tmp").getName()).getEmptyDir()).isNotNull();
        assertThat(mountAt(overlay, "/var/lib/modelloop").getReadOnly()).isNotEqualTo(Boolean.TRUE);
        assertThat(envValue(overlay, "MODELLOOP_DATA")).isEqualTo("/var/lib/modelloop");
        assertThat(pod(overlay).getEnableServiceLinks()).isFalse();

        var limits = container(overlay).getResources().getLimits();
        assertThat(limits).containsKey("memory");
        assertThat(container(overlay).getResources().getRequests()).containsKeys("cpu", "memory");
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws", "local", "dev"})
    void theGracePeriodOutlastsCamelsShutdownTimeout(String overlay) throws IOException {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(ROOT.resolve("config/application.properties"))) {
            p.load(r);
        }
        long timeout = Long.parseLong(p.getProperty("modelloop.shutdown.timeout-seconds"));
        String fromSettings = settings(overlay).get("MODELLOOP_SHUTDOWN_TIMEOUT_SECONDS");
        if (fromSettings != null) {
            timeout = Math.max(timeout, Long.parseLong(fromSettings));
        }
        assertThat(pod(overlay).getTerminationGracePeriodSeconds()).isGreaterThan(timeout);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws", "local", "dev"})
    void theServiceAccountMayHoldTheLease(String overlay) {
        assertThat(pod(overlay).getServiceAccountName()).isEqualTo("modelloop");
        ServiceAccount sa = one(overlay, ServiceAccount.class, "modelloop");
        Role role = one(overlay, Role.class, "modelloop");
        PolicyRule leases = role.getRules().stream()
                .filter(r -> r.getApiGroups().contains("coordination.k8s.io") && r.getResources().contains("leases"))
                .findFirst().orElseThrow(() -> new AssertionError("no rule for coordination.k8s.io leases"));
        assertThat(leases.getVerbs()).contains("get", "list", "watch", "create", "update", "patch");
        // nothing beyond the Lease and reading pods
        assertThat(role.getRules()).allSatisfy(r -> {
            assertThat(r.getVerbs()).doesNotContain("delete", "*");
            assertThat(r.getResources()).isSubsetOf("leases", "pods");
        });

        RoleBinding binding = one(overlay, RoleBinding.class, "modelloop");
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(sa.getMetadata().getName());
            assertThat(s.getNamespace()).isEqualTo(sa.getMetadata().getNamespace());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws", "local", "dev"})
    void theManagementPortStaysInsideTheCluster(String overlay) {
        NetworkPolicy np = one(overlay, NetworkPolicy.class, "modelloop");
        assertThat(np.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(deployment(overlay).getSpec().getTemplate().getMetadata().getLabels());
        assertThat(np.getSpec().getPolicyTypes()).contains("Ingress");
        List<NetworkPolicyIngressRule> rules = np.getSpec().getIngress();
        for (NetworkPolicyIngressRule rule : rules) {
            List<Object> ports = rule.getPorts() == null ? List.of()
                    : rule.getPorts().stream().map(p -> (Object) (p.getPort().getIntVal() != null
                            ? p.getPort().getIntVal() : p.getPort().getStrVal())).toList();
            assertThat(ports).as("a rule without ports would open every port").isNotEmpty();
            if (ports.contains(8081) || ports.contains("jolokia")) {
                assertThat(rule.getFrom()).as("who may reach 8081").isNotEmpty();
                for (NetworkPolicyPeer peer : rule.getFrom()) {
                    assertThat(peer.getIpBlock()).as("no address block for 8081").isNull();
                    assertThat(peer.getNamespaceSelector()).as("8081 only from pods of this cluster").isNotNull();
                }
            }
        }
        assertThat(rules).anySatisfy(r -> {
            assertThat(r.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8080));
            assertThat(r.getFrom()).isNullOrEmpty();
        });
        assertThat(rules).anySatisfy(r -> {
            assertThat(r.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8081));
            assertThat(r.getFrom()).singleElement().satisfies(peer -> {
                assertThat(peer.getNamespaceSelector().getMatchLabels()).isNullOrEmpty();
                assertThat(peer.getNamespaceSelector().getMatchExpressions()).isNullOrEmpty();
            });
        });

        // the Service publishes the business port only
        Service svc = one(overlay, Service.class, "modelloop");
        assertThat(svc.getSpec().getSelector()).isEqualTo(np.getSpec().getPodSelector().getMatchLabels());
        assertThat(svc.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getPort()).isEqualTo(8080);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws", "local", "dev"})
    void configAndRoutesComeFromGeneratedConfigMapsMountedInApp(String overlay) throws IOException {
        assertConfigMapMountedWithFiles(overlay, "modelloop-config", "/app/config", filesOf("config", ".properties"));
        if (!overlay.equals("dev")) {
            assertConfigMapMountedWithFiles(overlay, "modelloop-routes", "/app/routes", filesOf("routes", ".yaml"));
        }
        assertThat(envValue(overlay, "MODELLOOP_CONFIG")).isEqualTo("/app/config");
        assertThat(envValue(overlay, "MODELLOOP_ROUTES_DIR")).isEqualTo("/app/routes");
        // the settings ConfigMap is generated too: its envFrom reference carries the hash
        assertThat(container(overlay).getEnvFrom().get(0).getConfigMapRef().getName()).matches("modelloop-settings-[a-z0-9]{10}");
    }

    private static void assertConfigMapMountedWithFiles(String overlay, String base, String path, Map<String, String> files) {
        assertThat(files).isNotEmpty();
        ConfigMap cm = one(overlay, ConfigMap.class, base + "-");
        // kustomize's content hash suffix: a changed file gives a new name and rolls the pods
        assertThat(cm.getMetadata().getName()).matches(base + "-[a-z0-9]{10}");
        assertThat(cm.getData()).as("%s holds every file of the folder (list new files in k8s/base/kustomization.yaml)", base)
                .containsExactlyInAnyOrderEntriesOf(files);
        VolumeMount m = mountAt(overlay, path);
        assertThat(m.getReadOnly()).isTrue();
        assertThat(volume(overlay, m.getName()).getConfigMap().getName()).isEqualTo(cm.getMetadata().getName());
    }

    // ---- aws --------------------------------------------------------------------------------

    @Test
    void awsRunsTwoReplicasWithLeaderElectionAndIrsa() {
        Deployment d = deployment("aws");
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(envValue("aws", "CAMEL_MAIN_PROFILE")).isEqualTo("aws");
        assertThat(envValue("aws", "MODELLOOP_LEADER_ELECTION")).isEqualTo("kubernetes");
        assertThat(env("aws").get("POD_NAME").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        assertThat(env("aws").get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");

        ServiceAccount sa = one("aws", ServiceAccount.class, "modelloop");
        assertThat(sa.getMetadata().getAnnotations().get("eks.amazonaws.com/role-arn"))
                .matches("arn:aws:iam::[^:]+:role/.+");

        // the values to fill in are in one place and reach the pod
        Map<String, String> settings = settings("aws");
        assertThat(settings).containsKeys("AWS_REGION", "MODELLOOP_AWS_REGION", "MODELLOOP_BUCKET",
                "MODELLOOP_SQS_QUEUE_URL", "MODELLOOP_NOTIFY_SNS_TOPIC_ARN", "MODELLOOP_PARAMETERS_PREFIX");
        assertThat(container("aws").getImage()).endsWith("/modelloop:latest");

        assertThat(one("aws", io.fabric8.kubernetes.api.model.Namespace.class, "modelloop").getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");

        PodDisruptionBudget pdb = one("aws", PodDisruptionBudget.class, "modelloop");
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void awsTakesItsSecretsFromKubernetesSecrets() {
        Map<String, EnvVar> env = env("aws");
        var key = env.get("MODELLOOP_WEB_SESSION_KEY").getValueFrom().getSecretKeyRef();
        assertThat(key.getName()).isEqualTo("modelloop-web");
        assertThat(key.getKey()).isEqualTo("session-key");

        String users = envValue("aws", "MODELLOOP_WEB_USERS_FILE");
        assertThat(users).isEqualTo("/etc/modelloop/users/users.properties");
        assertSecretFile("aws", users, "modelloop-web", "users.properties");

        String auth = envValue("aws", "MODELLOOP_MANAGEMENT_AUTH_FILE");
        assertSecretFile("aws", auth, "modelloop-management-auth", "management-users.properties");
        // probes and scrapes need no password, Jolokia does
        assertThat(envValue("aws", "MODELLOOP_MANAGEMENT_AUTH_PATH")).isEqualTo("/observe/jolokia/*");

        // no Secret object is committed: the operator creates them (README, Kubernetes)
        assertThat(render("aws")).noneMatch(r -> r.getKind().equals("Secret"));
    }

    private static void assertSecretFile(String overlay, String file, String secret, String key) {
        Path p = Path.of(file);
        VolumeMount m = mountAt(overlay, p.getParent().toString());
        assertThat(m.getReadOnly()).isTrue();
        assertThat(m.getSubPath()).as("no subPath: a Secret change reaches the running pod").isNullOrEmpty();
        var s = volume(overlay, m.getName()).getSecret();
        assertThat(s.getSecretName()).isEqualTo(secret);
        assertThat(s.getItems()).anySatisfy(i -> {
            assertThat(i.getKey()).isEqualTo(key);
            assertThat(i.getPath()).isEqualTo(p.getFileName().toString());
        });
    }

    // ---- local and dev ----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev"})
    void localIsOnePodOfTheLocalProfileOnAPersistentVolume(String overlay) {
        Deployment d = deployment(overlay);
        assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        // the H2 database and the local bucket belong to one process
        assertThat(d.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(d.getSpec().getStrategy().getRollingUpdate()).isNull();
        assertThat(envValue(overlay, "CAMEL_MAIN_PROFILE")).isEqualTo("local");
        assertThat(envValue(overlay, "MODELLOOP_LEADER_ELECTION")).isEqualTo("none");

        PersistentVolumeClaim pvc = one(overlay, PersistentVolumeClaim.class, "modelloop-data");
        Volume data = volume(overlay, mountAt(overlay, "/var/lib/modelloop").getName());
        assertThat(data.getEmptyDir()).isNull();
        assertThat(data.getPersistentVolumeClaim().getClaimName()).isEqualTo(pvc.getMetadata().getName());

        // no Secrets: users file (first operator, password in the log) and session key in the data folder
        assertThat(env(overlay)).doesNotContainKeys("MODELLOOP_WEB_SESSION_KEY", "MODELLOOP_WEB_USERS_FILE",
                "MODELLOOP_MANAGEMENT_AUTH_FILE", "MODELLOOP_MANAGEMENT_AUTH_PATH");
        assertThat(pod(overlay).getVolumes()).allSatisfy(v -> assertThat(v.getSecret()).isNull());
        assertThat(container(overlay).getImage()).isEqualTo("modelloop:latest");
        assertThat(container(overlay).getImagePullPolicy()).isEqualTo("IfNotPresent");

        // one pod: a budget of 1 would block node drains
        assertThat(one(overlay, PodDisruptionBudget.class, "modelloop").getSpec().getMinAvailable().getIntVal()).isZero();
    }

    @Test
    void devMountsTheDevelopersRoutesAndReloadsThem() {
        assertThat(envValue("dev", "MODELLOOP_DEV")).isEqualTo("true");
        VolumeMount m = mountAt("dev", "/app/routes");
        Volume routes = volume("dev", m.getName());
        assertThat(routes.getConfigMap()).isNull();
        assertThat(routes.getHostPath().getPath()).isEqualTo("/modelloop/routes");
        assertThat(routes.getHostPath().getType()).isEqualTo("Directory");
        assertThat(env("local")).doesNotContainKey("MODELLOOP_DEV");
    }
}
