package io.modelloop.parameters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The SSM requests the parameter store sends through camel-aws-parameter-store for the prefixes
 * an operator may configure: SSM paths carry no trailing slash, except the root "/".
 */
class SsmParameterStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static WireMockServer ssm;
    static SsmClient client;
    static CamelContext camel;

    @BeforeAll
    static void start() {
        ssm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        ssm.start();
        client = SsmClient.builder().endpointOverride(URI.create(ssm.baseUrl())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIATEST", "test")))
                .build();
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("ssmClient", client);
        camel.start();
    }

    @AfterAll
    static void stop() {
        camel.stop();
        client.close();
        ssm.stop();
    }

    @BeforeEach
    void reset() {
        ssm.resetAll();
        ssm.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM.PutParameter"))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"Version\":1,\"Tier\":\"Standard\"}")));
    }

    @ParameterizedTest
    @CsvSource({
        "/modelloop/prod/, /modelloop/prod, /modelloop/prod/Minimum-F1-Score",
        "/modelloop/prod,  /modelloop/prod, /modelloop/prod/Minimum-F1-Score",
        "modelloop/dev,    /modelloop/dev,  /modelloop/dev/Minimum-F1-Score",
        "/,                /,               /Minimum-F1-Score"
    })
    void readsByPathAndWritesFullNames(String prefix, String path, String fullName) throws Exception {
        ssm.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParametersByPath"))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"Parameters\":[{\"Name\":\"" + fullName + "\",\"Type\":\"String\",\"Value\":\"0.75\","
                                + "\"Version\":4,\"LastModifiedDate\":1.7672256E9,\"DataType\":\"text\"}]}")));
        SsmParameterStore store = new SsmParameterStore(camel.createProducerTemplate(), prefix);

        Map<String, StoredParameter> read = store.readAll();
        store.write("Minimum-F1-Score", "0.9");

        assertThat(read).containsExactly(Map.entry("Minimum-F1-Score", new StoredParameter("Minimum-F1-Score", "0.75", 4)));
        List<JsonNode> gets = bodies("GetParametersByPath");
        assertThat(gets).hasSize(1);
        assertThat(gets.get(0).path("Path").asText()).isEqualTo(path);
        assertThat(gets.get(0).path("Recursive").asBoolean(true)).isFalse();
        JsonNode put = bodies("PutParameter").get(0);
        assertThat(put.path("Name").asText()).isEqualTo(fullName);
        assertThat(put.path("Value").asText()).isEqualTo("0.9");
        assertThat(put.path("Type").asText()).isEqualTo("String");
        assertThat(put.path("Overwrite").asBoolean()).isTrue();
        assertThat(store.location()).isEqualTo("ssm:" + (path.equals("/") ? "/" : path + "/"));
    }

    private static List<JsonNode> bodies(String operation) throws Exception {
        var requests = ssm.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM." + operation)));
        List<JsonNode> out = new ArrayList<>();
        for (var r : requests) {
            out.add(JSON.readTree(r.getBodyAsString()));
        }
        return out;
    }
}
