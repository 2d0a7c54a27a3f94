package io.modelloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.modelloop.ModelLoop;
import io.modelloop.testing.Fixture;
import io.modelloop.web.InstanceEndpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `status` and `train --now` with --data DIR talk to the instance that uses DIR, at the address it
 * wrote down, and never send DIR's token to the port the CLI would otherwise assume (a fake listener
 * stands there, as another process could).
 */
class InstanceCliTest {

    @TempDir
    Path data;
    final List<HttpServer> fakes = new ArrayList<>();
    final List<String> reachedFake = new CopyOnWriteArrayList<>();
    int fakePort;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void fakeListeners() throws IOException {
        fakePort = Fixture.freePort();
        fake(fakePort);
        // the built-in defaults too, when nothing else on this machine holds them
        for (int port : new int[] {8080, 8081}) {
            try {
                fake(port);
            } catch (IOException busy) {
                // another process has it: the configured fake port stands in
            }
        }
    }

    void fake(int port) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        s.createContext("/", x -> {
            reachedFake.add(x.getRequestMethod() + " " + x.getRequestURI() + " Authorization="
                    + x.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "{\"status\":\"UP\"}".getBytes();
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        s.start();
        fakes.add(s);
    }

    @AfterEach
    void stopFakes() {
        fakes.forEach(s -> s.stop(0));
    }

    int cli(String... args) {
        var cl = ModelLoopCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data", data.toString(), "--http-port", Integer.toString(fakePort),
                "--management-port", Integer.toString(fakePort)));
        return cl.execute(all.toArray(String[]::new));
    }

    @Test
    void statusAndTrainReachTheInstanceOfTheDataFolderAndNeverTheFakeListener() throws Exception {
        try (ModelLoop loop = Fixture.startLocal(data, Map.of())) {
            assertThat(Files.readString(InstanceEndpoint.file(data))).contains("http=" + Fixture.httpBase(loop))
                    .contains("management=" + Fixture.managementBase(loop));

            cli("status");
            assertThat(out.toString()).as(err.toString()).contains("Profile: local").contains(Fixture.managementBase(loop));

            cli("train", "--now");
            assertThat(out.toString()).as(err.toString()).contains("Training check ");
        }
        assertThat(reachedFake).isEmpty();
        // a stopped instance takes its address with it
        assertThat(InstanceEndpoint.file(data)).doesNotExist();
    }

    @Test
    void withNoInstanceForTheDataFolderTheCliSaysSoAndSendsNothing() throws Exception {
        Files.createDirectories(data.resolve("web"));
        Files.writeString(data.resolve("web").resolve("cli.token"), "token-of-this-data-folder");

        assertThat(cli("status")).isEqualTo(1);
        assertThat(err.toString()).contains("no ModelLoop is running with the data folder")
                .contains(InstanceEndpoint.file(data).toAbsolutePath().toString());
        assertThat(cli("train", "--now")).isEqualTo(1);
        assertThat(err.toString()).contains("is missing");
        assertThat(reachedFake).isEmpty();
    }
}
