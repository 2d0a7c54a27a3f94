package io.modelloop.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/** A UTC clock whose every reading comes from a supplier: a test decides what happens when the code reads the time. */
public class SuppliedClock extends Clock {

    private final Supplier<Instant> now;

    public SuppliedClock(Supplier<Instant> now) {
        this.now = now;
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
