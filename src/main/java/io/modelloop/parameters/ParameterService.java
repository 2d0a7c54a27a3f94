package io.modelloop.parameters;

import io.modelloop.notify.Notifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the parameter values in force. A stored value that breaks its rule is never applied:
 * the last valid value stays and an error notification names parameter, value and rule.
 * Valid changes are applied, told to listeners (the timers) and notified.
 */
public final class ParameterService {

    private static final Logger LOG = LoggerFactory.getLogger(ParameterService.class);

    private final ParameterStore store;
    private final Notifier notifier;
    private final List<ParameterListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, String> lastSeenRaw = new HashMap<>();
    private volatile ParameterValues current = ParameterValues.defaults();
    private volatile boolean started;
    private volatile Instant lastRefresh;
    private volatile String lastError;
    private volatile java.util.function.BooleanSupplier leader = () -> true;

    public ParameterService(ParameterStore store, Notifier notifier) {
        this.store = store;
        this.notifier = notifier;
    }

    public void addListener(ParameterListener listener) {
        listeners.add(listener);
    }

    /**
     * Several instances: every instance reads the store and applies changes to itself, but only
     * the one for which {@code leader} answers true notifies them (ParameterChanged,
     * ParameterRejected) and writes back a parameter deleted by hand; the others apply silently,
     * so one change gives one notification however many replicas run. A change made through
     * the API of a follower is notified by the leader when its own poll sees it.
     */
    public void announceWhen(java.util.function.BooleanSupplier leader) {
        this.leader = leader;
    }

    /** Whether this instance announces parameter changes (see {@link #announceWhen}). */
    public boolean announces() {
        return leader.getAsBoolean();
    }

    /** Creates missing parameters with their defaults and loads the values in force. */
    public synchronized void start() {
        Map<String, String> defaults = new LinkedHashMap<>();
        ParameterDefinition.ALL.forEach(d -> defaults.put(d.name(), d.defaultValue()));
        List<String> created = store.createMissing(defaults);
        if (!created.isEmpty()) {
            notifier.notify("ParametersCreated", created.size() + " parameter(s) created with defaults in "
                    + store.location(), Map.of("parameters", created, "location", store.location()));
        }
        Map<String, StoredParameter> stored = store.readAll();
        Map<String, String> lastInForce = ValuesInForce.decode(rawValue(stored, ParameterDefinition.VALUES_IN_FORCE));
        ParameterValues values = ParameterValues.defaults();
        for (ParameterDefinition d : ParameterDefinition.ALL) {
            String raw = rawValue(stored, d.name());
            lastSeenRaw.put(d.name(), raw);
            if (d.rule().accepts(raw)) {
                values = values.with(d.name(), d.rule().canonical(raw));
            } else {
                String previous = lastInForce.get(d.name());
                String fallback = d.rule().accepts(previous) ? previous : d.defaultValue();
                values = values.with(d.name(), fallback);
                reject(d, raw, fallback, true); // each instance reports what it refused at start
            }
        }
        current = values;
        recordValuesInForce(rawValue(stored, ParameterDefinition.VALUES_IN_FORCE));
        started = true;
        lastRefresh = Instant.now();
        lastError = null;
        LOG.info("Parameters loaded from {}: {}", store.location(), current.raw());
    }

    /** Reads the store and applies what changed; returns the applied changes. */
    public synchronized List<ParameterChange> refresh() {
        if (!started) {
            return new ArrayList<>(); // start() loads them; the poll may tick before that
        }
        Map<String, StoredParameter> stored = readStore();
        List<ParameterChange> applied = new ArrayList<>();
        for (ParameterDefinition d : ParameterDefinition.ALL) {
            refresh(d, rawValue(stored, d.name())).ifPresent(applied::add);
        }
        if (!applied.isEmpty() && announces()) {
            recordValuesInForce(rawValue(stored, ParameterDefinition.VALUES_IN_FORCE));
        }
        lastRefresh = Instant.now();
        lastError = null;
        return applied;
    }

    /** All stored parameters; a failed read is kept as the last error (health shows it) and rethrown. */
    private Map<String, StoredParameter> readStore() {
        try {
            return store.readAll();
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            throw e;
        }
    }

    /**
     * Acts on one parameter's stored value: a deleted one is written back, a new value is
     * recorded in the history and then refused or applied. Returns the change applied, if any.
     */
    private Optional<ParameterChange> refresh(ParameterDefinition d, String raw) {
        if (raw == null) {
            // only the leader writes it back; until then the value in force stays
            if (announces()) {
                restoreDeleted(d);
            }
            return Optional.empty();
        }
        if (raw.equals(lastSeenRaw.get(d.name()))) {
            return Optional.empty();
        }
        lastSeenRaw.put(d.name(), raw);
        // a value this service wrote was recorded by set(); the history file skips it here
        recordHistory(d.name(), raw, null, ParameterHistoryEntry.FILE_EDIT);
        if (!d.rule().accepts(raw)) {
            reject(d, raw, current.get(d.name()), announces());
            return Optional.empty();
        }
        String value = d.rule().canonical(raw);
        String old = current.get(d.name());
        if (value.equals(old)) {
            return Optional.empty();
        }
        return Optional.of(apply(d, old, value));
    }

    /** Deleted by hand: puts back the value in force so the store shows what runs. */
    private void restoreDeleted(ParameterDefinition d) {
        String inForce = current.get(d.name());
        store.write(d.name(), inForce);
        recordHistory(d.name(), inForce, null, ParameterHistoryEntry.RESTORED);
        notifier.notify("ParameterRestored", d.name() + " was missing and was written back as " + inForce,
                Map.of("parameter", d.name(), "value", inForce));
        lastSeenRaw.put(d.name(), inForce);
    }

    /** Puts the new value in force, announces it (leader only) and tells the listeners. */
    private ParameterChange apply(ParameterDefinition d, String old, String value) {
        current = current.with(d.name(), value);
        ParameterChange change = new ParameterChange(d.name(), old, value);
        LOG.info("Parameter {} changed from {} to {}", d.name(), old, value);
        if (announces()) {
            notifier.notify("ParameterChanged", d.name() + " changed from " + old + " to " + value,
                    Map.of("parameter", d.name(), "oldValue", old, "newValue", value));
        }
        for (ParameterListener l : listeners) {
            try {
                l.onChange(change, current);
            } catch (RuntimeException e) {
                LOG.error("Applying {} failed", change, e);
                notifier.notify("ParameterApplyFailed", "Applying " + d.name() + " failed: " + e.getMessage(),
                        Map.of("parameter", d.name(), "value", value, "error", String.valueOf(e.getMessage())));
            }
        }
        return change;
    }

    /**
     * Checks and stores a value set by an operator (API, console, CLI), then applies it.
     *
     * @throws InvalidParameterException for an unknown or machine-owned name, or a value
     *                                   that breaks its rule; nothing is stored then
     */
    public List<ParameterChange> set(String name, String value) {
        return set(name, value, null);
    }

    /**
     * As {@link #set(String, String)}, recording who set it in the parameter's history.
     *
     * @param user the signed-in user, or null when unknown
     */
    public synchronized List<ParameterChange> set(String name, String value, String user) {
        // synchronized with refresh(): else the poll could apply the stored value between the
        // write and the read below, and the caller would be told nothing changed
        ParameterDefinition d = definition(name);
        validate(d, value);
        String canonical = d.rule().canonical(value);
        store.write(d.name(), canonical);
        if (!canonical.equals(lastSeenRaw.get(d.name()))) {
            recordHistory(d.name(), canonical, user, ParameterHistoryEntry.CONSOLE_API);
        }
        return refresh();
    }

    /**
     * The values the parameter had, newest first (at most limit).
     *
     * @throws InvalidParameterException for an unknown or machine-owned name
     */
    public List<ParameterHistoryEntry> history(String name, int limit) {
        return store.history(definition(name).name(), limit);
    }

    public static ParameterDefinition definition(String name) {
        if (name != null && name.startsWith(ParameterDefinition.SYSTEM_STATE)) {
            throw new InvalidParameterException(name, "", "the system state is written by ModelLoop only");
        }
        return ParameterDefinition.find(name).orElseThrow(() -> new InvalidParameterException(name, "",
                "unknown parameter; known parameters: "
                        + String.join(", ", ParameterDefinition.ALL.stream().map(ParameterDefinition::name).toList())));
    }

    public static void validate(ParameterDefinition d, String value) {
        if (!d.rule().accepts(value)) {
            throw new InvalidParameterException(d.name(), value, d.rule().description());
        }
    }

    public ParameterValues values() {
        return current;
    }

    /** The raw value stored for each parameter, which may differ from the value in force when invalid. */
    public synchronized Map<String, String> storedValues() {
        return Map.copyOf(lastSeenRaw);
    }

    public boolean isStarted() {
        return started;
    }

    public Instant lastRefresh() {
        return lastRefresh;
    }

    public String lastError() {
        return lastError;
    }

    public String location() {
        return store.location();
    }

    private void recordValuesInForce(String stored) {
        String encoded = ValuesInForce.encode(current.raw());
        if (!encoded.equals(stored)) {
            store.write(ParameterDefinition.VALUES_IN_FORCE, encoded);
        }
    }

    /** The history is a record for people: failing to write it never stops a parameter change. */
    private void recordHistory(String name, String value, String user, String source) {
        try {
            store.recordChange(name, new ParameterHistoryEntry(value, Instant.now(), user, source));
        } catch (RuntimeException e) {
            LOG.warn("Parameter history of {} not recorded: {}", name, e.getMessage());
        }
    }

    private static String rawValue(Map<String, StoredParameter> stored, String name) {
        StoredParameter p = stored.get(name);
        return p == null ? null : p.value();
    }

    private void reject(ParameterDefinition d, String raw, String inForce, boolean notify) {
        LOG.warn("Parameter {} has invalid value '{}' ({}); {} stays in force", d.name(), raw,
                d.rule().description(), inForce);
        if (!notify) {
            return;
        }
        notifier.notify("ParameterRejected", d.name() + " = '" + raw + "' refused: " + d.rule().description()
                        + "; " + inForce + " stays in force",
                Map.of("parameter", d.name(), "value", String.valueOf(raw), "rule", d.rule().description(),
                        "valueInForce", inForce));
    }
}
