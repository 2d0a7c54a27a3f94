package io.modelloop.notify;

import java.util.Map;

/**
 * Sends a notification through the single notification route. Never blocks the caller on a
 * sink: delivery, retries and failures are the route's business.
 */
public interface Notifier {

    /**
     * @param event   machine-readable event name, e.g. ParameterChanged
     * @param details one human sentence
     * @param data    the workflow's data, serialised into the JSON body
     */
    void notify(String event, String details, Map<String, ?> data);
}
