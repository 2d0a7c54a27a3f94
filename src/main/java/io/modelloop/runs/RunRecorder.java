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

/** Records workflow executions step by step; each change is saved at once so a crash leaves the history. */
public record RunRecorder(RunStore store, Clock clock) {

    public Run start(String type, Map<String, ?> input) {
        String id = type.toLowerCase().replace('_', '-') + "-" + UUID.randomUUID();
        RunRecord r = new RunRecord(id, type, RunStatus.RUNNING, clock.instant(), null,
                new LinkedHashMap<>(input), null, null, List.of());
        store.save(r);
        return new Run(r);
    }

    /** Continues a run recorded earlier (e.g. a training run polled after a restart). */
    public Run resume(String id) {
        return new Run(store.get(id).orElseThrow(() -> new IllegalStateException("No run " + id)));
    }

    public RunStore store() {
        return store;
    }

    /** A run being recorded. Not thread-safe: one workflow execution drives it. */
    public final class Run {
        private RunRecord record;

        private Run(RunRecord record) {
            this.record = record;
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
        }

        private void addStep(Step step) {
            List<Step> steps = new ArrayList<>(record.steps());
            steps.add(step);
            record = new RunRecord(record.id(), record.type(), record.status(), record.startedAt(), record.endedAt(),
                    record.input(), record.output(), record.error(), List.copyOf(steps));
            store.save(record);
        }
    }

    private static Map<String, Object> copy(Map<String, ?> m) {
        return m == null ? null : new LinkedHashMap<>(m);
    }

    static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
