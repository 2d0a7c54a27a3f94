package io.modelloop.cli;

import io.modelloop.config.Settings;
import io.modelloop.parameters.ParameterStore;
import io.modelloop.parameters.ParameterStores;
import io.modelloop.storage.AwsClients;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Opens the configured parameter store for a CLI command, without starting the service. The
 * SSM store talks through camel-aws-parameter-store, so it gets a bare CamelContext; its
 * start-up chatter is kept out of the command's output.
 */
final class ParameterAdmin implements AutoCloseable {

    private final CamelContext camel = new DefaultCamelContext();
    private final ParameterStore store;

    ParameterAdmin(Settings settings) {
        Configurator.setLevel("org.apache.camel", Level.WARN);
        if ("ssm".equals(settings.get("modelloop.parameters.store"))) {
            camel.getRegistry().bind("ssmClient", new AwsClients(settings).ssm());
        }
        camel.start();
        store = ParameterStores.create(settings, camel);
    }

    ParameterStore store() {
        return store;
    }

    @Override
    public void close() {
        camel.stop();
    }
}
