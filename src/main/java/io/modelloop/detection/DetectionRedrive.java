package io.modelloop.detection;

import io.modelloop.state.SystemStateRepository;
import java.time.Duration;
import java.util.List;

/** Hands images recorded NO_MODEL back to detection once a model runs (nothing is dropped). */
public final class DetectionRedrive {

    private final DetectionStore store;
    private final SystemStateRepository systemState;
    private final int batch;

    public DetectionRedrive(DetectionStore store, SystemStateRepository systemState, int batch) {
        this.store = store;
        this.systemState = systemState;
        this.batch = batch;
    }

    /** The object versions waiting for a model, or none while no model runs. */
    public List<ObjectVersion> waiting() {
        if (systemState.recent(Duration.ofSeconds(5)).runningModelVersion() == null) {
            return List.of();
        }
        return store.waitingForModel(batch).stream()
                .map(d -> new ObjectVersion(d.bucket(), d.key(), d.etag(), d.sequencer(), null, d.uploadedAt()))
                .toList();
    }
}
