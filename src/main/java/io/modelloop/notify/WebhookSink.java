package io.modelloop.notify;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.ProducerTemplate;

/** POSTs each notification's JSON to a URL through camel-http; a non-2xx answer counts as a failure. */
public final class WebhookSink implements NotificationSink {

    private final ProducerTemplate producer;
    private final String uri;
    private final String shownAs;

    public WebhookSink(ProducerTemplate producer, String url) {
        this.producer = producer;
        this.shownAs = shownAs(url);
        this.uri = url + (url.contains("?") ? "&" : "?") + "httpMethod=POST&connectTimeout=10000&responseTimeout=10000";
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public void send(NotificationMessage message) throws IOException {
        try {
            producer.requestBodyAndHeaders(uri, message.json(), Map.of(
                    Exchange.CONTENT_TYPE, "application/json",
                    "X-ModelLoop-Event", message.event(),
                    "X-ModelLoop-Subject", message.subject()));
        } catch (CamelExecutionException e) {
            // webhook URLs often carry a token in the path or query (Slack, Teams): the error
            // that reaches logs and health names the host only
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof HttpOperationFailedException http) {
                throw new IOException("webhook at " + shownAs + " answered HTTP " + http.getStatusCode());
            }
            throw new IOException("webhook at " + shownAs + " failed: " + cause.getClass().getSimpleName());
        }
    }

    static String shownAs(String url) {
        try {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException e) {
            return "(unparseable URL)";
        }
    }
}
