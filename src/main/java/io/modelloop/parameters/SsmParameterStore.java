package io.modelloop.parameters;

import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.ProducerTemplate;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;

/**
 * Parameters in SSM Parameter Store under a path prefix (e.g. /modelloop/prod/), through
 * camel-aws-parameter-store with the ssmClient bean (default credentials chain).
 */
public final class SsmParameterStore implements ParameterStore {

    private static final String GET_BY_PATH = "aws-parameter-store://modelloop?operation=getParametersByPath&pojoRequest=true&ssmClient=#ssmClient";
    private static final String PUT = "aws-parameter-store://modelloop?operation=putParameter&pojoRequest=true&ssmClient=#ssmClient";

    private final ProducerTemplate producer;
    private final String prefix;

    public SsmParameterStore(ProducerTemplate producer, String prefix) {
        this.producer = producer;
        this.prefix = normalise(prefix);
    }

    static String normalise(String prefix) {
        String p = prefix == null || prefix.isBlank() ? "/modelloop/" : prefix.trim();
        if (!p.startsWith("/")) {
            p = "/" + p;
        }
        return p.endsWith("/") ? p : p + "/";
    }

    /** The SSM path of a normalised prefix: no trailing slash, except the root "/" itself. */
    static String path(String prefix) {
        return prefix.length() > 1 ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    @Override
    public Map<String, StoredParameter> readAll() {
        Map<String, StoredParameter> out = new TreeMap<>();
        String next = null;
        do {
            GetParametersByPathRequest req = GetParametersByPathRequest.builder()
                    .path(path(prefix)).recursive(false).maxResults(10)
                    .nextToken(next).build();
            GetParametersByPathResponse resp = producer.requestBody(GET_BY_PATH, req, GetParametersByPathResponse.class);
            for (Parameter p : resp.parameters()) {
                String name = p.name().substring(p.name().lastIndexOf('/') + 1);
                out.put(name, new StoredParameter(name, p.value(), p.version() == null ? 0 : p.version()));
            }
            next = resp.nextToken();
        } while (next != null && !next.isEmpty());
        return out;
    }

    @Override
    public void write(String name, String value) {
        producer.requestBody(PUT, PutParameterRequest.builder()
                .name(prefix + name).value(value).type(ParameterType.STRING).overwrite(true).build());
    }

    @Override
    public String location() {
        return "ssm:" + prefix;
    }
}
