package io.modelloop.web;

import io.modelloop.model.ModelBackend;
import io.modelloop.model.ModelVersion;
import io.modelloop.parameters.SystemState;
import io.modelloop.parameters.SystemStateRepository;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.modelloop.training.TrainingPipeline;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/** GET /api/models and POST /api/training/check. */
public final class ModelApi {

    private final ModelBackend backend;
    private final SystemStateRepository systemState;
    private final ProducerTemplate producer;
    private final TrainingPipeline pipeline;

    public ModelApi(ModelBackend backend, SystemStateRepository systemState, ProducerTemplate producer,
                    TrainingPipeline pipeline) {
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
            for (ModelVersion v : backend.listVersions()) {
                Map<String, Object> m = JsonResponses.JSON.convertValue(v, Map.class);
                m.put("serving", v.id().equals(state.runningModelVersion()));
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
