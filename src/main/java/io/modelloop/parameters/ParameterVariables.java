package io.modelloop.parameters;

import java.util.Locale;
import org.apache.camel.spi.VariableRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The runtime parameters as Camel variables: {@code ${variable:param:Minimum-Label-Detection-Confidence}}
 * in a route is the value in force when the step runs, so a change through SSM, the file, the API
 * or the CLI applies to the next exchange. (A property placeholder would not do: {{...}} is
 * resolved once when the route starts, and simple's ${properties:...} does not call properties
 * functions.) Read-only: parameters change through ParameterService, validated and recorded. An
 * unknown name fails the step with the list of known parameters. Booleans read as true or false.
 */
public final class ParameterVariables extends ServiceSupport implements VariableRepository {

    /** The bean name Camel looks up for the variable repository with id {@value #ID}. */
    public static final String BEAN_NAME = "param-variable-repository";
    public static final String ID = "param";

    private final ParameterService parameters;

    public ParameterVariables(ParameterService parameters) {
        this.parameters = parameters;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public Object getVariable(String name) {
        ParameterDefinition d = ParameterService.definition(name.trim());
        String value = parameters.values().get(d.name());
        if ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value)) {
            return value.toLowerCase(Locale.ROOT);
        }
        return value;
    }

    @Override
    public void setVariable(String name, Object value) {
        throw new UnsupportedOperationException("parameters are set through the parameter store, the API or the CLI, "
                + "not by a route");
    }

    @Override
    public Object removeVariable(String name) {
        throw new UnsupportedOperationException("parameters cannot be removed by a route");
    }
}
