package io.modelloop.state;

import io.modelloop.config.Once;
import io.modelloop.parameters.ParameterStore;
import java.time.Clock;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;

/** The system state (model serving, training in progress, sampling counters), kept beside the parameters. */
@Configuration
public class StateConfiguration implements CamelConfiguration {

    private final Once<SystemStateRepository> state = new Once<>();

    @BindToRegistry("systemState")
    public SystemStateRepository systemState(ParameterStore parameterStore) {
        return state.get(() -> new SystemStateRepository(parameterStore, Clock.systemUTC()));
    }

    /** The repository made by {@link #systemState}, or null. */
    public SystemStateRepository state() {
        return state.orNull();
    }
}
