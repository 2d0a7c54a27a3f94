package io.modelloop;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.storage.BucketLayout;
import io.modelloop.testing.Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProfileStartupTest {

    @TempDir
    Path data;

    @Test
    void startsWithPrefixesDefaultsAndHealthUp() throws Exception {
        try (ModelLoop loop = Fixture.startLocal(data, Map.of())) {
            for (String prefix : BucketLayout.PREFIXES) {
                assertThat(data.resolve("bucket").resolve(prefix)).isDirectory();
            }
            assertThat(Files.readString(data.resolve("parameters.properties")))
                    .contains("Minimum-F1-Score=0.8", "Human-Sampling-Interval=1000");
            var health = Fixture.get(Fixture.managementBase(loop) + "/observe/health/ready");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
            var status = Fixture.get(Fixture.httpBase(loop) + "/api/status");
            assertThat(status.body()).contains("\"profile\":\"local\"", "\"training-check\"");
        }
    }

    @Test
    void restartKeepsDataAndDoesNotRecreateParameters() throws Exception {
        try (ModelLoop loop = Fixture.startLocal(data, Map.of())) {
            loop.parameters().set("Minimum-F1-Score", "0.85");
        }
        try (ModelLoop loop = Fixture.startLocal(data, Map.of())) {
            assertThat(loop.parameters().values().minimumF1Score()).isEqualTo(0.85);
        }
    }
}
