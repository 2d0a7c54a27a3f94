package io.modelloop.detection;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The detect route's idempotent consumer, backed by the detection store: an object version is a
 * duplicate once it has a record, except a NO_MODEL one (that image waited for a model and is
 * detected again). Used with eager=false: the record step itself writes the record (atomically,
 * once, see {@link DetectionStore#insertIfAbsent}), so add, confirm and remove change nothing;
 * in particular a failed exchange never deletes a record.
 */
public final class DetectionIdempotency extends ServiceSupport implements IdempotentRepository {

    private final DetectionStore store;

    public DetectionIdempotency(DetectionStore store) {
        this.store = store;
    }

    @Override
    public boolean contains(String detectionId) {
        return store.get(detectionId).filter(d -> d.outcome() != Detection.Outcome.NO_MODEL).isPresent();
    }

    @Override
    public boolean add(String detectionId) {
        return true;
    }

    @Override
    public boolean remove(String detectionId) {
        return false;
    }

    @Override
    public boolean confirm(String detectionId) {
        return true;
    }

    @Override
    public void clear() {
        // records are the history of the loop: the idempotency of detection is never reset
    }
}
