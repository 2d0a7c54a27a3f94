package io.modelloop.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.camel.Exchange;

/**
 * Reads query parameters of an API call; a malformed one is an IllegalArgumentException whose
 * message names the parameter, which the API answers as 400.
 */
final class QueryParams {

    private QueryParams() {
    }

    static String text(Exchange exchange, String name) {
        String s = exchange.getMessage().getHeader(name, String.class);
        return s == null || s.isBlank() ? null : s.trim();
    }

    static Instant instant(Exchange exchange, String name) {
        String s = text(exchange, name);
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO instant such as 2026-11-24T10:00:00Z, got '" + io.modelloop.config.Echo.of(s) + "'");
        }
    }

    static int wholeNumber(Exchange exchange, String name, int absent, int min, int max) {
        String s = text(exchange, name);
        if (s == null) {
            return absent;
        }
        try {
            int n = Integer.parseInt(s);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", got '" + io.modelloop.config.Echo.of(s) + "'");
    }
}
