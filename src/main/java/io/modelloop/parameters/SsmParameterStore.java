package io.modelloop.parameters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import software.amazon.awssdk.services.ssm.model.GetParameterHistoryRequest;
import software.amazon.awssdk.services.ssm.model.GetParameterHistoryResponse;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathRequest;
import software.amazon.awssdk.services.ssm.model.GetParametersByPathResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterHistory;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;

/**
 * Parameters in SSM Parameter Store under a path prefix (e.g. /modelloop/prod/), through
 * camel-aws-parameter-store with the ssmClient bean (default credentials chain).
 */
public final class SsmParameterStore implements ParameterStore {

    private static final String GET_BY_PATH = "aws-parameter-store://modelloop?operation=getParametersByPath&pojoRequest=true&ssmClient=#ssmClient";
    private static final String HISTORY = "aws-parameter-store://modelloop?operation=getParameterHistory&pojoRequest=true&ssmClient=#ssmClient";
    /** SSM keeps the last 100 versions, two pages of 50; the cap only guards against a looping token. */
    private static final int MAX_HISTORY_PAGES = 10;
    private static final String PUT = "aws-parameter-store://modelloop?operation=putParameter&pojoRequest=true&ssmClient=#ssmClient";

    private final ProducerTemplate producer;
    private final String prefix;

    public SsmParameterStore(ProducerTemplate producer, String prefix) {
        this.producer = producer;
        this.prefix = normalise(prefix);
    }

    public static String normalise(String prefix) {
        String p = prefix == null || prefix.isBlank() ? "/modelloop/" : prefix.trim();
        if (!p.startsWith("/")) {
            p = "/" + p;
        }
        return p.endsWith("/") ? p : p + "/";
    }

    /** The SSM path of a normalised prefix: no trailing slash, except the root "/" itself. */
    public static String path(String prefix) {
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

    /**
     * SSM's own history of the parameter. SSM lists versions oldest first, so every page is read
     * (at most 100 versions are kept) and the newest limit returned.
     */
    @Override
    public List<ParameterHistoryEntry> history(String name, int limit) {
        List<ParameterHistory> versions = new ArrayList<>();
        String next = null;
        int pages = 0;
        try {
            do {
                GetParameterHistoryRequest req = GetParameterHistoryRequest.builder()
                        .name(prefix + name).maxResults(50).nextToken(next).build();
                GetParameterHistoryResponse resp = producer.requestBody(HISTORY, req, GetParameterHistoryResponse.class);
                versions.addAll(resp.parameters());
                next = resp.nextToken();
            } while (next != null && !next.isEmpty() && ++pages < MAX_HISTORY_PAGES);
        } catch (CamelExecutionException e) {
            if (e.getCause() instanceof ParameterNotFoundException) {
                return List.of();
            }
            throw e;
        }
        return versions.stream()
                .sorted(Comparator.comparing((ParameterHistory v) -> v.version() == null ? 0L : v.version()).reversed())
                .limit(Math.max(0, limit))
                .map(v -> new ParameterHistoryEntry(v.value(), v.lastModifiedDate(), v.lastModifiedUser(), "ssm"))
                .toList();
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
