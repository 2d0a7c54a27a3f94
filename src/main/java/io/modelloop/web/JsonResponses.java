package io.modelloop.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Writes a JSON body and status code on the reply of an API exchange. */
public final class JsonResponses {

    public static final ObjectMapper JSON = io.modelloop.config.Json.MAPPER;

    private JsonResponses() {
    }

    public static void reply(Exchange exchange, int status, Object body) {
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        try {
            m.setBody(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Response cannot be serialised", e);
        }
    }
}
