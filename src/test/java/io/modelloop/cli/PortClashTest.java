package io.modelloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.testing.Fixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** `modelloop run` on a port another process holds ends with one line naming the port and the setting. */
class PortClashTest {

    @TempDir
    Path data;

    @ParameterizedTest
    @CsvSource({"--http-port, MODELLOOP_HTTP_PORT", "--management-port, MODELLOOP_MANAGEMENT_PORT", "--s3-port, MODELLOOP_S3_PORT"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aTakenPortIsNamedInOneLine(String option, String env) throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("0.0.0.0", 0));
            int port = taken.getLocalPort();
            String http = option.equals("--http-port") ? Integer.toString(port) : Integer.toString(Fixture.freePort());
            String mgmt = option.equals("--management-port") ? Integer.toString(port) : Integer.toString(Fixture.freePort());
            String s3 = option.equals("--s3-port") ? Integer.toString(port) : Integer.toString(Fixture.freePort());
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            var cl = ModelLoopCommand.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));

            int code = cl.execute("run", "--data", data.toString(), "--http-port", http, "--management-port", mgmt,
                    "--s3-port", s3);

            assertThat(code).isEqualTo(1);
            assertThat(err.toString().strip().lines()).hasSize(1);
            assertThat(err.toString()).contains("port " + port + " is already in use").contains(option).contains(env);
        }
    }
}
