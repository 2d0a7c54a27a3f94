package io.modelloop.parameters;

/** A value, or a name, that cannot be applied; the message is meant for the operator. */
public class InvalidParameterException extends RuntimeException {
    private final String parameter;
    private final String value;
    private final String rule;

    public InvalidParameterException(String parameter, String value, String rule) {
        super(value == null || value.isEmpty() ? parameter + " refused: " + rule
                : parameter + " = '" + io.modelloop.config.Echo.of(value) + "' refused: " + rule);
        this.parameter = parameter;
        this.value = value;
        this.rule = rule;
    }

    public String parameter() {
        return parameter;
    }

    public String value() {
        return value;
    }

    public String rule() {
        return rule;
    }
}
