package io.modelloop.web;

import io.modelloop.model.ModelBackend;
import io.modelloop.model.ModelVersion;
import io.modelloop.runs.RunRecord;
import io.modelloop.runs.RunStore;
import io.modelloop.state.SystemState;
import io.modelloop.state.SystemStateRepository;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.modelloop.training.TrainingPipeline;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/** GET /api/models and POST /api/training/check. */
public final class ModelApi {

    /** How many of the newest training runs are searched for gate decisions. */
    private static final int RECENT_RUNS = 200;

    private final ModelBackend backend;
    private final SystemStateRepository systemState;
    private final ProducerTemplate producer;
    private final TrainingPipeline pipeline;
    private final RunStore runs;

    /** @param runs where the training runs are, for each version's deployment-gate decision (null: none shown) */
    public ModelApi(ModelBackend backend, SystemStateRepository systemState, ProducerTemplate producer,
                    TrainingPipeline pipeline, RunStore runs) {
        this.runs = runs;
        this.pipeline = pipeline;
        this.backend = backend;
        this.systemState = systemState;
        this.producer = producer;
    }

    public void models(Exchange exchange) {
        SystemState state = systemState.load();
        List<Map<String, Object>> versions = new ArrayList<>();
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            Map<String, Map<String, Object>> gates = gateDecisions();
            for (ModelVersion v : backend.listVersions()) {
                Map<String, Object> m = JsonResponses.JSON.convertValue(v, Map.class);
                m.put("serving", v.id().equals(state.runningModelVersion()));
                if (gates.containsKey(v.name())) {
                    m.put("gate", gates.get(v.name()));
                }
                versions.add(m);
            }
        } catch (RuntimeException e) {
            // what serves and what trains is still worth showing when the backend cannot list
            out.put("versionsError", e.getMessage());
        }
        out.put("backend", backend.name());
        out.put("serving", state.runningModelVersion());
        out.put("trainingInProgress", state.trainingRunInProgress());
        out.put("trainedImageCount", state.trainedImageCount());
        out.put("refusedImageCount", state.refusedImageCount());
        out.put("versions", versions);
        JsonResponses.reply(exchange, 200, out);
    }

    /**
     * Each recently trained version's deployment-gate decision, by version name: the output of
     * the last gate step of its training run (which rule decided, with the numbers).
     */
    private Map<String, Map<String, Object>> gateDecisions() {
        Map<String, Map<String, Object>> out = new HashMap<>();
        if (runs == null) {
            return out;
        }
        List<RunRecord> recent;
        try {
            recent = runs.list(TrainingPipeline.RUN, null, null, RECENT_RUNS);
        } catch (RuntimeException e) {
            return out; // the versions are still worth showing without their gate decisions
        }
        for (RunRecord run : recent) {
            Object version = run.input() == null ? null : run.input().get("version");
            if (version == null || out.containsKey(version.toString()) || run.steps() == null) {
                continue;
            }
            run.steps().stream()
                    .filter(st -> TrainingPipeline.F1_GATE.equals(st.name()) || TrainingPipeline.CHALLENGER_GATE.equals(st.name()))
                    .reduce((first, second) -> second)
                    .ifPresent(st -> {
                        Map<String, Object> gate = new LinkedHashMap<>();
                        gate.put("step", st.name());
                        gate.put("at", st.endedAt());
                        if (st.output() != null) {
                            gate.putAll(st.output());
                        }
                        out.put(version.toString(), gate);
                    });
        }
        return out;
    }

    /** POST /api/training/cancel: 200 when cancellation was requested, 409 when it cannot be. */
    public void cancel(Exchange exchange) {
        var outcome = pipeline.cancel();
        JsonResponses.reply(exchange, outcome.cancelled() ? 200 : 409, outcome);
    }

    /** Runs a training check now, through the same route as the timer. */
    public void check(Exchange exchange) {
        Object run = producer.requestBodyAndHeader("direct:training-check", null, "ModelLoopTrigger", "manual");
        JsonResponses.reply(exchange, 200, run);
    }
}
