package io.modelloop.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.config.Settings;
import io.modelloop.web.InstanceEndpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Asks the ModelLoop running on this machine with this --data (at the address it wrote to"
                + " DATA/web/endpoint) to run a training check now "
                + "(it trains when enough new labeled images exist, like the timer would).")
final class TrainCommand extends SubCommand implements Callable<Integer> {

    @Option(names = "--now", required = true, description = "Run the training check now.")
    boolean now;

    @Override
    public Integer call() throws Exception {
        Settings s = effectiveOptions().settings();
        Optional<InstanceEndpoint> found = InstanceEndpoint.find(s.dataDir(), err());
        if (found.isEmpty()) {
            return 1;
        }
        InstanceEndpoint endpoint = found.get();
        String url = endpoint.http() + "/api/training/check";
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpResponse<String> r;
        try {
            r = http.send(ApiCredentials.sign(HttpRequest.newBuilder(URI.create(url)), s).timeout(Duration.ofMinutes(2))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err().println("modelloop: no ModelLoop answers at " + url
                    + " (start it with `java -jar modelloop.jar`)");
            return 1;
        }
        if (r.statusCode() == 401) {
            err().println("modelloop: " + ApiCredentials.hint(s));
            return 1;
        }
        JsonNode run = new ObjectMapper().readTree(r.body());
        if (r.statusCode() != 200) {
            err().println("modelloop: training check answered " + r.statusCode() + ": " + r.body());
            return 1;
        }
        String decision = run.path("output").path("decision").asText(run.path("error").asText("unknown"));
        out().println("Training check " + run.path("id").asText() + ": " + decision);
        out().println("Follow it with GET " + endpoint.http() + "/api/runs and /api/models");
        return "SUCCEEDED".equals(run.path("status").asText()) ? 0 : 1;
    }
}
