package io.modelloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.config.Settings;
import io.modelloop.web.InstanceEndpoint;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.Optional;
import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Asks the ModelLoop running on this machine with this --data for its health and status"
                + " (at the address it wrote to DATA/web/endpoint).")
final class StatusCommand extends SubCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        Settings s = effectiveOptions().settings();
        PrintWriter out = out();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        Optional<InstanceEndpoint> found = InstanceEndpoint.find(s.dataDir(), err());
        if (found.isEmpty()) {
            return 1;
        }
        InstanceEndpoint endpoint = found.get();
        String health = endpoint.management() + "/observe/health";
        String status = endpoint.http() + "/api/status";
        HttpResponse<String> h;
        try {
            h = http.send(HttpRequest.newBuilder(URI.create(health)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            err().println("modelloop: no ModelLoop answers at " + health + " (" + e.getClass().getSimpleName() + ")");
            return 1;
        }
        ObjectMapper json = new ObjectMapper();
        out.println("Health: " + json.readTree(h.body()).path("status").asText("unknown") + " (" + health + ")");
        HttpResponse<String> st = http.send(ApiCredentials.sign(HttpRequest.newBuilder(URI.create(status)), s).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (st.statusCode() == 200) {
            JsonNode n = json.readTree(st.body());
            out.println("Profile: " + n.path("profile").asText() + ", bucket " + n.path("bucket").asText()
                    + " at " + n.path("s3Endpoint").asText());
            out.println("Parameters: " + n.path("parametersLocation").asText());
            n.path("timers").fields().forEachRemaining(t -> out.println("Timer " + t.getKey() + ": "
                    + (t.getValue().path("running").asBoolean() ? "every " + t.getValue().path("everyMinutes").asInt()
                    + " min, next " + t.getValue().path("nextFire").asText() : "paused")));
            out.println("Model serving: " + n.path("systemState").path("runningModelVersion").asText("none"));
        } else {
            out.println("Status API answered " + st.statusCode() + (st.statusCode() == 401 ? ": " + ApiCredentials.hint(s) : ""));
        }
        return "UP".equals(json.readTree(h.body()).path("status").asText()) ? 0 : 1;
    }
}
