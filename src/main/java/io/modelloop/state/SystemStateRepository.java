package io.modelloop.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.parameters.ParameterStore;
import java.time.Clock;
import java.util.function.UnaryOperator;

/**
 * Reads and writes the system state as one JSON value in a {@link SystemStateStore} of its own,
 * never in the file people edit. Only ModelLoop's workflows call it; the parameter API and CLI
 * refuse its name.
 */
public final class SystemStateRepository {

    private static final ObjectMapper JSON = io.modelloop.config.Json.MAPPER;

    private final SystemStateStore store;
    private final Clock clock;

    public SystemStateRepository(SystemStateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The state store that goes with these parameters (a file of its own in local). */
    public SystemStateRepository(ParameterStore parameters, Clock clock) {
        this(SystemStateStore.beside(parameters), clock);
    }

    /**
     * The state as last read or written by this instance if not older than maxAge, else read
     * afresh: for status pages polled often, so they do not spend SSM's request quota.
     */
    public SystemState recent(java.time.Duration maxAge) {
        Snapshot s = snapshot;
        if (s != null && s.at().plus(maxAge).isAfter(clock.instant())) {
            return s.state();
        }
        return load();
    }

    private record Snapshot(SystemState state, java.time.Instant at) {
    }

    private volatile Snapshot snapshot;

    public SystemState load() {
        SystemState state = read();
        snapshot = new Snapshot(state, clock.instant());
        return state;
    }

    private SystemState read() {
        java.util.Optional<String> json = store.read();
        if (json.isEmpty()) {
            return SystemState.empty();
        }
        try {
            return JSON.readValue(json.get(), SystemState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("System state in " + store.location() + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Applies a change and stores the result; synchronized so one process never loses its own update. */
    public synchronized SystemState update(UnaryOperator<SystemState> change) {
        SystemState next = change.apply(read()).stamped(clock.instant());
        try {
            store.write(JSON.writeValueAsString(next));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise system state", e);
        }
        snapshot = new Snapshot(next, clock.instant());
        return next;
    }
}
