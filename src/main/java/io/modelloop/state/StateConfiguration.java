package io.modelloop.state;

import io.modelloop.parameters.ParameterStore;
import java.time.Clock;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;

/** The system state (model serving, training in progress, sampling counters), kept beside the parameters. */
@Configuration
public class StateConfiguration implements CamelConfiguration {

    private SystemStateRepository state;

    @BindToRegistry("systemState")
    public synchronized SystemStateRepository systemState(ParameterStore parameterStore) {
        if (state == null) {
            state = new SystemStateRepository(parameterStore, Clock.systemUTC());
        }
        return state;
    }

    /** The repository made by {@link #systemState}, or null. */
    public synchronized SystemStateRepository state() {
        return state;
    }
}
