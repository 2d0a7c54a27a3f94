package io.modelloop.state;

import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.parameters.ParameterStore;
import io.modelloop.parameters.StoredParameter;
import java.util.Optional;

/**
 * The system state as its own parameter (For-System-Use-Only under the prefix) of a parameter
 * store: SSM on AWS, where a PutParameter replaces the whole value at once.
 */
public final class SystemStateParameter implements SystemStateStore {

    private final ParameterStore store;

    public SystemStateParameter(ParameterStore store) {
        this.store = store;
    }

    @Override
    public Optional<String> read() {
        StoredParameter p = store.readAll().get(ParameterDefinition.SYSTEM_STATE);
        return p == null || p.value().isBlank() ? Optional.empty() : Optional.of(p.value());
    }

    @Override
    public void write(String json) {
        store.write(ParameterDefinition.SYSTEM_STATE, json);
    }

    @Override
    public String location() {
        return store.location() + " " + ParameterDefinition.SYSTEM_STATE;
    }
}
