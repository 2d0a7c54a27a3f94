package io.modelloop.notify;

import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/** POSTs each notification's JSON to a URL through camel-http; a non-2xx answer counts as a failure. */
public final class WebhookSink implements NotificationSink {

    private final ProducerTemplate producer;
    private final String uri;

    public WebhookSink(ProducerTemplate producer, String url) {
        this.producer = producer;
        this.uri = url + (url.contains("?") ? "&" : "?") + "httpMethod=POST&connectTimeout=10000&responseTimeout=10000";
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public void send(NotificationMessage message) {
        producer.requestBodyAndHeaders(uri, message.json(), Map.of(
                Exchange.CONTENT_TYPE, "application/json",
                "X-ModelLoop-Event", message.event(),
                "X-ModelLoop-Subject", message.subject()));
    }
}
