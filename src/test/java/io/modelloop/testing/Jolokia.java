package io.modelloop.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Talks to /observe/jolokia the way Hawtio does: JSON requests POSTed to the agent. */
public final class Jolokia {

    public static final ObjectMapper JSON = new ObjectMapper();

    /** The CamelContext MBean of a ModelLoop (camel.main.name=modelloop). */
    public static final String CONTEXT_MBEAN = "org.apache.camel:context=modelloop,type=context,name=\"modelloop\"";

    private final String url;
    private final String authorization;

    public Jolokia(String managementBase) {
        this(managementBase, null, null);
    }

    public Jolokia(String managementBase, String user, String password) {
        this.url = managementBase + "/observe/jolokia";
        this.authorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public static String routeMBean(String routeId) {
        return "org.apache.camel:context=modelloop,type=routes,name=\"" + routeId + "\"";
    }

    public static ObjectNode request(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    /**
     * Processing parameters Hawtio puts on every POST (query string of the agent URL): how deep
     * and how large answers may be, errors of single requests inside a bulk reported in place.
     */
    public static final String HAWTIO_QUERY = "?maxDepth=7&maxCollectionSize=50000&ignoreErrors=true&canonicalNaming=false";

    /** POSTs one request (or a bulk array) and returns the raw HTTP response. */
    public HttpResponse<String> post(JsonNode body) {
        return post("", body);
    }

    /** POSTs to the agent URL followed by {@code pathAndQuery} (e.g. {@code "/" + HAWTIO_QUERY}). */
    public HttpResponse<String> post(String pathAndQuery, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + pathAndQuery))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return Fixture.send(b.build());
    }

    /** POSTs one request and returns Jolokia's JSON answer (its own "status" says if it was allowed). */
    public JsonNode call(JsonNode body) {
        HttpResponse<String> r = post(body);
        if (r.statusCode() != 200) {
            throw new AssertionError("HTTP " + r.statusCode() + " from " + url + ": " + r.body());
        }
        return parse(r.body());
    }

    /**
     * A Hawtio bulk request: the requests POSTed together as one JSON array to {@code /observe/jolokia/}
     * with Hawtio's processing parameters; Jolokia answers one object per request, in order, each
     * with its own status (a refused request does not fail the others).
     */
    public List<JsonNode> bulk(JsonNode... requests) {
        var array = JSON.createArrayNode();
        for (JsonNode r : requests) {
            array.add(r);
        }
        HttpResponse<String> r = post("/" + HAWTIO_QUERY, array);
        if (r.statusCode() != 200) {
            throw new AssertionError("HTTP " + r.statusCode() + " from " + url + "/: " + r.body());
        }
        JsonNode answers = parse(r.body());
        if (!answers.isArray() || answers.size() != requests.length) {
            throw new AssertionError("Expected " + requests.length + " answers, got: " + r.body());
        }
        List<JsonNode> out = new ArrayList<>();
        answers.forEach(out::add);
        return out;
    }

    public JsonNode read(String mbean, String attribute) {
        return call(request("read").put("mbean", mbean).put("attribute", attribute));
    }

    public static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("Not JSON: " + body, e);
        }
    }
}
