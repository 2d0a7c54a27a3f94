package io.modelloop.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.ModelLoop;
import io.modelloop.testing.Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** modelloop.management.auth-path narrows the password to Jolokia so probes and scrapes need none. */
class ManagementAuthJolokiaOnlyTest {

    @TempDir
    Path data;

    @Test
    void probesAndMetricsAreOpenWhileJolokiaNeedsThePassword() throws Exception {
        Path auth = data.resolve("management-users.properties");
        Files.writeString(auth, "user.hawtio=secret,admin\nrole.admin=*\n");
        try (ModelLoop loop = Fixture.startLocal(data.resolve("data"), Map.of(
                "modelloop.management.auth-file", auth.toString(),
                "modelloop.management.auth-path", "/observe/jolokia/*"))) {
            String mgmt = Fixture.managementBase(loop);
            assertThat(Fixture.get(mgmt + "/observe/health/ready").statusCode()).isEqualTo(200);
            assertThat(Fixture.get(mgmt + "/observe/health/live").statusCode()).isEqualTo(200);
            assertThat(Fixture.get(mgmt + "/observe/metrics").statusCode()).isEqualTo(200);
            assertThat(Fixture.get(mgmt + "/observe/jolokia/version").statusCode()).isEqualTo(401);
        }
    }
}
