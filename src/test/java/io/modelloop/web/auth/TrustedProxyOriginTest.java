package io.modelloop.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.ModelLoop;
import io.modelloop.testing.Fixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Origin check believes X-Forwarded-Host only from a configured reverse proxy. */
class TrustedProxyOriginTest {

    @TempDir
    static Path dir;
    static ModelLoop plain;
    static ModelLoop behindProxy;

    @BeforeAll
    static void start() throws Exception {
        plain = Fixture.startLocal(dir.resolve("plain"), Map.of());
        // the test client connects from 127.0.0.1, so here it stands for the proxy
        behindProxy = Fixture.startLocal(dir.resolve("proxy"), Map.of("modelloop.web.trusted-proxies", "10.9.9.9, 127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        for (ModelLoop l : new ModelLoop[] {plain, behindProxy}) {
            if (l != null) {
                l.close();
            }
        }
    }

    static HttpResponse<String> putFrom(ModelLoop l, String origin, String forwardedHost) {
        return Fixture.send(HttpRequest.newBuilder(URI.create(Fixture.httpBase(l) + "/api/parameters/Minimum-Untrained-Images"))
                .header("Content-Type", "application/json").header("Origin", origin).header("X-Forwarded-Host", forwardedHost)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"value\": \"6\"}")).build());
    }

    @Test
    void aClientSentForwardedHostDoesNotMakeAForeignOriginSameSite() {
        HttpResponse<String> r = putFrom(plain, "https://evil.example", "evil.example");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(r.body()).contains("Origin");
        assertThat(plain.parameters().values().raw().get("Minimum-Untrained-Images")).isNotEqualTo("6");
    }

    @Test
    void aTrustedProxysForwardedHostCounts() {
        HttpResponse<String> r = putFrom(behindProxy, "https://console.example.com", "console.example.com");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(putFrom(behindProxy, "https://evil.example", "console.example.com").statusCode()).isEqualTo(403);
    }
}
