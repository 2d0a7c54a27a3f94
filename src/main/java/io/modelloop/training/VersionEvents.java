package io.modelloop.training;

import io.modelloop.model.ModelBackend;
import io.modelloop.model.ModelVersion;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the model backend's "version finished training / starting" to routes/training.yaml
 * ({@value #ENDPOINT}), whose route runs the training-progress steps at once instead of at the
 * next poll. The backend's thread only sends the message; the route decides what follows.
 */
public final class VersionEvents implements ModelBackend.VersionListener {

    /** The route that reacts (routes/training.yaml, route model-version-finished). */
    public static final String ENDPOINT = "direct:model-version-finished";
    public static final String VERSION_HEADER = "ModelLoopModelVersion";
    public static final String STATUS_HEADER = "ModelLoopModelStatus";

    private static final Logger LOG = LoggerFactory.getLogger(VersionEvents.class);

    private final ProducerTemplate producer;

    public VersionEvents(ProducerTemplate producer) {
        this.producer = producer;
    }

    @Override
    public void finished(ModelVersion version) {
        try {
            producer.sendBodyAndHeaders(ENDPOINT, null, java.util.Map.of(VERSION_HEADER, version.id(),
                    STATUS_HEADER, version.status().name()));
        } catch (RuntimeException e) {
            // stopping (a training cancelled at shutdown ends here), or routes without training.yaml:
            // the training-progress poll moves the run on
            if (producer.getCamelContext().isStopping() || producer.getCamelContext().isStopped()) {
                LOG.debug("Model version {} is {}; not told while stopping: {}", version.id(), version.status(), e.getMessage());
            } else {
                LOG.warn("Model version {} is {}; the training pipeline was not told at once ({}), its next poll will see it",
                        version.id(), version.status(), e.getMessage());
            }
        }
    }
}
