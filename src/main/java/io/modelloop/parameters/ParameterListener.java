package io.modelloop.parameters;

/** Told after a valid change is applied; {@code now} holds every value in force. */
@FunctionalInterface
public interface ParameterListener {
    void onChange(ParameterChange change, ParameterValues now);
}
