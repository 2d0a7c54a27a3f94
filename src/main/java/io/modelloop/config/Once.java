package io.modelloop.config;

import java.util.function.Supplier;

/**
 * A bean a configuration class makes once, though two of its bean methods (or ModelLoop, to close
 * it) may ask for it.
 */
public final class Once<T> {

    private T value;

    public synchronized T get(Supplier<T> make) {
        if (value == null) {
            value = make.get();
        }
        return value;
    }

    /** The bean if it was made, else null. */
    public synchronized T orNull() {
        return value;
    }
}
