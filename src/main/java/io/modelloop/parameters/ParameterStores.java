package io.modelloop.parameters;

import io.modelloop.config.ConfigurationException;
import io.modelloop.config.Settings;
import org.apache.camel.CamelContext;

/** Picks the parameter store named by modelloop.parameters.store. */
public final class ParameterStores {

    private ParameterStores() {
    }

    public static ParameterStore create(Settings settings, CamelContext camel) {
        String kind = settings.get("modelloop.parameters.store");
        return switch (kind) {
            case "file" -> new FileParameterStore(settings.dataDir().resolve("parameters.properties"));
            case "ssm" -> new SsmParameterStore(camel.createProducerTemplate(), settings.get("modelloop.parameters.prefix"));
            default -> throw new ConfigurationException("Unknown parameter store '" + kind
                    + "' in modelloop.parameters.store: use file or ssm");
        };
    }
}
