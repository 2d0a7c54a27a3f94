package io.modelloop.runs;

import io.modelloop.runs.RunRecord.RunStatus;
import io.modelloop.runs.RunRecord.Step;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Records workflow executions step by step. A run started with {@link #start} saves each change at
 * once, so a crash leaves its history up to the last step (long runs such as training, polled across
 * restarts). A run started with {@link #startBuffered} keeps its steps in memory and saves them at
 * the {@link Run#checkpoint checkpoints} its workflow names and when it ends: for short runs that are
 * done again on redelivery when a crash cuts them off before their checkpoint (detections).
 */
public record RunRecorder(RunStore store, Clock clock) {

    /** A run saved at once and after every step. */
    public Run start(String type, Map<String, ?> input) {
        Run run = new Run(newRecord(type, input), true);
        store.save(run.record);
        return run;
    }

    /**
     * A run kept in memory until {@link Run#checkpoint()} or its end ({@code succeed}/{@code fail}),
     * each of which saves it whole. Its owner calls checkpoint before any effect a redelivery would
     * not repeat, so that a crash loses only steps that are then done (and recorded) again.
     */
    public Run startBuffered(String type, Map<String, ?> input) {
        return new Run(newRecord(type, input), false);
    }

    /** Continues a run recorded earlier (e.g. a training run polled after a restart); saved at every step. */
    public Run resume(String id) {
        return new Run(store.get(id).orElseThrow(() -> new IllegalStateException("No run " + id)), true);
    }

    private RunRecord newRecord(String type, Map<String, ?> input) {
        String id = type.toLowerCase().replace('_', '-') + "-" + UUID.randomUUID();
        return new RunRecord(id, type, RunStatus.RUNNING, clock.instant(), null,
                new LinkedHashMap<>(input), null, null, List.of());
    }

    public RunStore store() {
        return store;
    }

    /** A run being recorded. Not thread-safe: one workflow execution drives it. */
    public final class Run {
        private final boolean saveEachChange;
        private RunRecord record;
        /** Changes not saved yet (buffered runs only). */
        private boolean unsaved;

        private Run(RunRecord record, boolean saveEachChange) {
            this.record = record;
            this.saveEachChange = saveEachChange;
            this.unsaved = !saveEachChange;
        }

        public String id() {
            return record.id();
        }

        public RunRecord record() {
            return record;
        }

        /** Runs one step, recording its timing and outcome; a failure is recorded and rethrown. */
        public <T> T step(String name, Callable<T> work, Function<T, Map<String, ?>> output) throws Exception {
            var started = clock.instant();
            try {
                T result = work.call();
                addStep(new Step(name, RunStatus.SUCCEEDED, started, clock.instant(), copy(output.apply(result)), null));
                return result;
            } catch (Exception e) {
                addStep(new Step(name, RunStatus.FAILED, started, clock.instant(), null, message(e)));
                throw e;
            }
        }

        /** Records a step that happened between two moments (e.g. a training observed by polling). */
        public void recordStep(String name, RunStatus status, java.time.Instant started, Map<String, ?> output, String error) {
            addStep(new Step(name, status, started, clock.instant(), copy(output), error));
        }

        /** Saves what is not saved yet (a buffered run's steps so far); nothing when all is saved. */
        public void checkpoint() {
            if (unsaved) {
                store.save(record);
                unsaved = false;
            }
        }

        /** True when the store holds every change of this run (always so for a run saved at every step). */
        public boolean saved() {
            return !unsaved;
        }

        public void succeed(Map<String, ?> output) {
            finish(RunStatus.SUCCEEDED, output, null);
        }

        public void fail(String error, Map<String, ?> output) {
            finish(RunStatus.FAILED, output, error);
        }

        private void finish(RunStatus status, Map<String, ?> output, String error) {
            record = new RunRecord(record.id(), record.type(), status, record.startedAt(), clock.instant(),
                    record.input(), copy(output), error, record.steps());
            store.save(record);
            unsaved = false;
        }

        private void addStep(Step step) {
            List<Step> steps = new ArrayList<>(record.steps());
            steps.add(step);
            record = new RunRecord(record.id(), record.type(), record.status(), record.startedAt(), record.endedAt(),
                    record.input(), record.output(), record.error(), List.copyOf(steps));
            if (saveEachChange) {
                store.save(record);
            } else {
                unsaved = true;
            }
        }
    }

    private static Map<String, Object> copy(Map<String, ?> m) {
        return m == null ? null : new LinkedHashMap<>(m);
    }

    static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
