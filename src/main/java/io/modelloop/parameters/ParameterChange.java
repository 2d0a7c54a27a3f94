package io.modelloop.parameters;

/** A parameter whose value in force changed. */
public record ParameterChange(String name, String oldValue, String newValue) {
}
