package io.modelloop.config;

/** A configuration problem an operator must fix; its message says what and how. */
public class ConfigurationException extends RuntimeException {
    public ConfigurationException(String message) {
        super(message);
    }
}
