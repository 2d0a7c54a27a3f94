package io.modelloop.web;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Answers an API exchange with an image's bytes, cacheable by the signed-in browser only. */
final class ImageReply {

    private ImageReply() {
    }

    static void send(Exchange exchange, byte[] bytes, String contentType) {
        Message m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, contentType);
        m.setHeader("Cache-Control", "private, max-age=300");
        m.setBody(bytes);
    }
}
