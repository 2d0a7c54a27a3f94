package io.modelloop.schedule;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.kubernetes.KubernetesConfiguration;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which instance runs the timers when several ModelLoop instances share the same stores
 * (modelloop.leader.election):
 * <ul>
 * <li>{@code none} - every instance runs them: run one instance only;</li>
 * <li>{@code kubernetes} - Camel's {@link KubernetesClusterService} on a coordination.k8s.io
 * Lease: the pod holding the Lease runs them, another pod takes over when it dies;</li>
 * <li>{@code file} - Camel's {@link FileLockClusterService} on a folder all instances share (two
 * instances on one host).</li>
 * </ul>
 * All leader-only work shares one cluster namespace, {@value #NAMESPACE}, hence one Lease
 * ({@code <lease-name>-timers}) and one leader: the training check, the training-progress poller,
 * the sampling check, the review-results poller, the detection redrive and the polling trigger
 * all run on the same instance. They read and write the same system state (running model,
 * training in progress), so keeping them together avoids two instances interleaving updates of
 * it, and status has one answer to "does this instance lead?". The SQS trigger and the HTTP
 * servers run on every instance.
 */
public final class LeaderElection {

    /** The cluster namespace every leader-only consumer uses. */
    public static final String NAMESPACE = "timers";

    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);
    private static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    public enum Mode { NONE, KUBERNETES, FILE }

    private final Mode mode;
    private final CamelClusterService service;
    private final String member;
    private final Map<String, Object> describe;
    private volatile boolean leader;
    private volatile CamelClusterView view;

    private LeaderElection(Mode mode, CamelClusterService service, String member, Map<String, Object> describe) {
        this.mode = mode;
        this.service = service;
        this.member = member;
        this.describe = describe;
        this.leader = mode == Mode.NONE;
    }

    public static Mode mode(Settings s) {
        String v = s.get("modelloop.leader.election").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "none" -> Mode.NONE;
            case "kubernetes" -> Mode.KUBERNETES;
            case "file" -> Mode.FILE;
            default -> throw new ConfigurationException("modelloop.leader.election must be none, kubernetes or file, got '"
                    + v + "'");
        };
    }

    /** Builds the election the settings ask for; nothing runs until {@link #install(CamelContext)}. */
    public static LeaderElection create(Settings s) {
        return create(s, System.getenv());
    }

    static LeaderElection create(Settings s, Map<String, String> env) {
        Mode mode = mode(s);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mode", mode.name().toLowerCase(Locale.ROOT));
        switch (mode) {
            case NONE:
                return new LeaderElection(mode, null, "local", d);
            case KUBERNETES: {
                String pod = firstNonBlank(s.get("modelloop.leader.pod-name"), env.get("POD_NAME"), env.get("HOSTNAME"));
                if (pod == null) {
                    throw new ConfigurationException("modelloop.leader.election=kubernetes needs the pod name: set "
                            + "modelloop.leader.pod-name or POD_NAME (downward API metadata.name)");
                }
                String namespace = firstNonBlank(s.get("modelloop.leader.namespace"), env.get("POD_NAMESPACE"),
                        serviceAccountNamespace());
                if (namespace == null) {
                    throw new ConfigurationException("modelloop.leader.election=kubernetes needs the namespace: set "
                            + "modelloop.leader.namespace or POD_NAMESPACE (downward API metadata.namespace)");
                }
                long duration = positive(s, "modelloop.leader.lease-duration-ms");
                long renew = positive(s, "modelloop.leader.renew-deadline-ms");
                long retry = positive(s, "modelloop.leader.retry-period-ms");
                if (duration <= renew || renew <= 1.2 * retry) {
                    throw new ConfigurationException("Leader election needs lease-duration-ms > renew-deadline-ms > 1.2 x "
                            + "retry-period-ms, got " + duration + " / " + renew + " / " + retry);
                }
                String leaseName = s.get("modelloop.leader.lease-name").trim();
                // The client configuration goes in through the constructor: Camel 4.18 ignores
                // setMasterUrl/setNamespace on a service built without one. No master URL = the
                // in-cluster configuration (service-account token, KUBERNETES_SERVICE_HOST).
                KubernetesConfiguration client = new KubernetesConfiguration();
                String masterUrl = s.get("modelloop.leader.kubernetes-master-url").trim();
                if (!masterUrl.isEmpty()) {
                    client.setMasterUrl(masterUrl);
                }
                client.setNamespace(namespace);
                KubernetesClusterService k = new KubernetesClusterService(client);
                k.setId("modelloop-kubernetes-cluster");
                k.setKubernetesResourcesNamespace(namespace);
                k.setPodName(pod);
                k.setLeaseResourceType(LeaseResourceType.Lease);
                k.setKubernetesResourceName(leaseName.isEmpty() ? "modelloop" : leaseName);
                k.setClusterLabels(labels(s.get("modelloop.leader.cluster-labels")));
                k.setLeaseDurationMillis(duration);
                k.setRenewDeadlineMillis(renew);
                k.setRetryPeriodMillis(retry);
                d.put("namespace", namespace);
                d.put("lease", k.getKubernetesResourceName() + "-" + NAMESPACE);
                d.put("leaseDurationMs", duration);
                return new LeaderElection(mode, k, pod, d);
            }
            case FILE: {
                String root = s.get("modelloop.leader.file-root").trim();
                Path folder = root.isEmpty() ? s.dataDir().resolve("cluster") : Path.of(root).toAbsolutePath().normalize();
                try {
                    Files.createDirectories(folder);
                } catch (IOException e) {
                    throw new ConfigurationException("Cannot create the leader-election folder " + folder + ": " + e.getMessage());
                }
                long retry = positive(s, "modelloop.leader.retry-period-ms");
                FileLockClusterService f = new FileLockClusterService();
                f.setId("modelloop-file-cluster");
                f.setRoot(folder.toString());
                f.setAcquireLockDelay(retry, TimeUnit.MILLISECONDS);
                f.setAcquireLockInterval(retry, TimeUnit.MILLISECONDS);
                d.put("folder", folder.toString());
                return new LeaderElection(mode, f, firstNonBlank(s.get("modelloop.leader.pod-name"), env.get("HOSTNAME"),
                        "pid-" + ProcessHandle.current().pid()), d);
            }
            default:
                throw new IllegalStateException(mode.name());
        }
    }

    /** Adds the cluster service to Camel and follows the leadership of {@link #NAMESPACE}. */
    public void install(CamelContext camel) throws Exception {
        if (service == null) {
            return;
        }
        camel.addService(service);
        view = service.getView(NAMESPACE);
        view.addEventListener((CamelClusterEventListener.Leadership) this::leadershipChanged);
        LOG.info("Leader election {} as {}: only the leader runs the timers and pollers ({})",
                describe.get("mode"), member, describe);
    }

    private void leadershipChanged(CamelClusterView v, CamelClusterMember newLeader) {
        boolean now = newLeader != null && newLeader.isLocal();
        boolean before = leader;
        leader = now;
        String who = newLeader == null ? "nobody" : newLeader.getId();
        if (now && !before) {
            LOG.info("This instance ({}) is now the leader: it runs the timers and pollers", member);
        } else if (!now && before) {
            LOG.warn("This instance ({}) is no longer the leader (leader: {}); its timers and pollers stop", member, who);
        } else {
            LOG.info("Leader is now {}", who);
        }
    }

    public Mode mode() {
        return mode;
    }

    /** Whether this instance runs the leader-only work now (always true without election). */
    public boolean isLeader() {
        if (mode == Mode.NONE) {
            return true;
        }
        CamelClusterView v = view;
        if (v == null) {
            return false;
        }
        try {
            return v.getLocalMember().isLeader();
        } catch (RuntimeException e) {
            return leader;
        }
    }

    /** The name of this instance in the election (pod name). */
    public String member() {
        return member;
    }

    /** The current leader's name, if known. */
    public Optional<String> currentLeader() {
        if (mode == Mode.NONE) {
            return Optional.of(member);
        }
        CamelClusterView v = view;
        if (v == null) {
            return Optional.empty();
        }
        try {
            return v.getLeader().map(CamelClusterMember::getId);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The prefix YAML routes put before a leader-only consumer URI: empty without election,
     * {@code master:timers:} with it (the placeholder {@code {{modelloop.leader.consumer-prefix}}}).
     */
    public static String consumerPrefix(Settings s) {
        return mode(s) == Mode.NONE ? "" : "master:" + NAMESPACE + ":";
    }

    /** Mode, member, leader and the election's settings, for status and health. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>(describe);
        m.put("member", member);
        m.put("leader", isLeader());
        m.put("currentLeader", currentLeader().orElse(null));
        return m;
    }

    private static Map<String, String> labels(String spec) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 1) {
                throw new ConfigurationException("modelloop.leader.cluster-labels must be key=value pairs separated by commas, got '"
                        + spec + "'");
            }
            m.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return m;
    }

    private static long positive(Settings s, String key) {
        long v = s.getLong(key);
        if (v < 1) {
            throw new ConfigurationException(key + " must be at least 1, got " + v);
        }
        return v;
    }

    private static String serviceAccountNamespace() {
        try {
            return Files.isReadable(SERVICE_ACCOUNT_NAMESPACE) ? Files.readString(SERVICE_ACCOUNT_NAMESPACE).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
