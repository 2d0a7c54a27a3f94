package io.modelloop.parameters;

/** A raw parameter as the store holds it; version is the store's own (SSM version, file revision). */
public record StoredParameter(String name, String value, long version) {
}
