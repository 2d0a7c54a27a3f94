package io.modelloop.parameters;

import io.modelloop.config.Once;
import io.modelloop.config.Settings;
import io.modelloop.notify.Notifier;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * The ten runtime parameters (routes/parameters.yaml): where they are stored (a file or SSM),
 * the service holding the values in force, and the variable repository through which a route
 * reads one, ${variable:param:Minimum-Label-Detection-Confidence}.
 */
@Configuration
public class ParametersConfiguration implements CamelConfiguration {

    private final Settings settings;
    private final Once<ParameterStore> store = new Once<>();
    private final Once<ParameterService> service = new Once<>();

    public ParametersConfiguration(Settings settings) {
        this.settings = settings;
    }

    @BindToRegistry("parameterStore")
    public ParameterStore parameterStore(CamelContext camel) {
        return store.get(() -> ParameterStores.create(settings, camel));
    }

    @BindToRegistry("parameterService")
    public ParameterService parameterService(Notifier notifier, CamelContext camel) {
        return service.get(() -> new ParameterService(parameterStore(camel), notifier));
    }

    @BindToRegistry(ParameterVariables.BEAN_NAME)
    public ParameterVariables parameterVariables(Notifier notifier, CamelContext camel) {
        return new ParameterVariables(parameterService(notifier, camel));
    }

    /** The service made by {@link #parameterService}, or null. */
    public ParameterService service() {
        return service.orNull();
    }

    @Override
    public void configure(CamelContext camel) {
        HealthCheckRegistry.get(camel).register(new ParametersHealthCheck(service.orNull()));
    }
}
