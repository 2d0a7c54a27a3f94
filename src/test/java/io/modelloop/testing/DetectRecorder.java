package io.modelloop.testing;

import io.modelloop.detection.ObjectVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;

/**
 * Stands in for the detection route on {@code direct:detect}: records every ObjectVersion handed
 * to it (a route already consuming direct:detect is removed first), counts attempts per key, and
 * throws for the versions a test marks as failing (a transient failure, as the real route throws).
 */
public final class DetectRecorder {

    public static final class TransientTestFailure extends RuntimeException {
        public TransientTestFailure(String message) {
            super(message);
        }
    }

    private final List<ObjectVersion> delivered = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private volatile Predicate<ObjectVersion> failWhen = v -> false;
    private volatile Runnable whileProcessing = () -> { };

    public static DetectRecorder install(CamelContext camel) throws Exception {
        for (Route r : List.copyOf(camel.getRoutes())) {
            if (r.getEndpoint().getEndpointUri().startsWith("direct://detect")) {
                camel.getRouteController().stopRoute(r.getRouteId());
                camel.removeRoute(r.getRouteId());
            }
        }
        DetectRecorder recorder = new DetectRecorder();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:detect").routeId("test-detect-recorder").process(e -> {
                    ObjectVersion v = e.getMessage().getBody(ObjectVersion.class);
                    recorder.attempts.computeIfAbsent(v.key(), k -> new AtomicInteger()).incrementAndGet();
                    recorder.whileProcessing.run();
                    if (recorder.failWhen.test(v)) {
                        throw new TransientTestFailure("simulated transient failure for " + v.key());
                    }
                    recorder.delivered.add(v);
                });
            }
        });
        return recorder;
    }

    /** Versions whose hand-off completed normally, in arrival order. */
    public List<ObjectVersion> delivered() {
        return List.copyOf(delivered);
    }

    public List<String> deliveredKeys() {
        return delivered.stream().map(ObjectVersion::key).toList();
    }

    /** Hand-offs of the key, failed ones included. */
    public int attempts(String key) {
        AtomicInteger n = attempts.get(key);
        return n == null ? 0 : n.get();
    }

    public void failWhen(Predicate<ObjectVersion> predicate) {
        this.failWhen = predicate;
    }

    public void whileProcessing(Runnable action) {
        this.whileProcessing = action;
    }
}
