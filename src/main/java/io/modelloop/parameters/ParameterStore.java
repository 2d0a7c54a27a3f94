package io.modelloop.parameters;

import java.util.Map;

/**
 * Where parameters and the system state live (SSM Parameter Store or a file). Values are raw
 * strings: validation belongs to {@link ParameterService}, so an operator's invalid edit is
 * stored as typed and refused where it is read.
 */
public interface ParameterStore {

    /** Every parameter under this store's prefix, keyed by short name (e.g. Minimum-F1-Score). */
    Map<String, StoredParameter> readAll();

    /** Creates or overwrites one parameter. */
    void write(String name, String value);

    /** Where the parameters are, for messages (e.g. ssm:/modelloop/prod/ or a file path). */
    String location();

    /**
     * Earlier values of one parameter, newest first, at most limit; empty when the store keeps
     * no history.
     */
    default java.util.List<ParameterHistoryEntry> history(String name, int limit) {
        return java.util.List.of();
    }

    /**
     * Notes a value ModelLoop wrote or saw appear, for stores that keep no history of their own
     * (SSM does, so this is a no-op there).
     */
    default void recordChange(String name, ParameterHistoryEntry entry) {
    }

    /** Writes each default whose name is missing; returns the names it created. */
    default java.util.List<String> createMissing(Map<String, String> defaults) {
        Map<String, StoredParameter> existing = readAll();
        java.util.List<String> created = new java.util.ArrayList<>();
        defaults.forEach((name, value) -> {
            if (!existing.containsKey(name)) {
                write(name, value);
                created.add(name);
            }
        });
        return created;
    }
}
