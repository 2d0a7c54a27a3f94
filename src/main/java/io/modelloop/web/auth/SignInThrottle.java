package io.modelloop.web.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@code maxFailures} failed sign-ins for one user name within the
 * window, that name is refused until the window has passed (per replica, in memory).
 */
public final class SignInThrottle {

    private record Failures(int count, Instant since) {
    }

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();

    public SignInThrottle(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    public boolean blocked(String user) {
        Failures f = failures.get(key(user));
        if (f == null) {
            return false;
        }
        if (clock.instant().isAfter(f.since().plus(window))) {
            failures.remove(key(user), f);
            return false;
        }
        return f.count() >= maxFailures;
    }

    /** How long the user name stays refused; empty when it is not. */
    public java.util.Optional<Duration> lockedFor(String user) {
        Failures f = failures.get(key(user));
        if (f == null || !blocked(user)) {
            return java.util.Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), f.since().plus(window));
        return java.util.Optional.of(left.isNegative() ? Duration.ZERO : left);
    }

    /** The message a locked-out user sees, on the sign-in page and from the API. */
    public static String message(Duration left) {
        return "too many failed sign-ins, try again in " + Math.max(1, (left.toMillis() + 999) / 1000) + " s";
    }

    public void failed(String user) {
        Instant now = clock.instant();
        if (failures.size() > 10_000) { // many names tried: forget the oldest picture rather than grow without end
            failures.clear();
        }
        failures.merge(key(user), new Failures(1, now), (old, one) ->
                now.isAfter(old.since().plus(window)) ? one : new Failures(old.count() + 1, old.since()));
    }

    public void succeeded(String user) {
        failures.remove(key(user));
    }

    public Duration window() {
        return window;
    }

    private static String key(String user) {
        return user == null ? "" : user.toLowerCase(Locale.ROOT);
    }
}
