package io.modelloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelloop.schedule.WorkflowTimer;
import io.modelloop.testing.Fixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Development mode (SPEC 8): saving a YAML route under routes/ replaces that route in the
 * running instance; the Java routes, the timers and the routes of the other YAML files (the API,
 * the notification sinks) are left alone. Saving the timers' route template changes a timer when
 * its parameters next re-create it.
 */
class DevRouteReloadTest {

    static final List<String> OTHER_ROUTES = List.of("api-status", "api-parameters-list",
            "notify-sink-jsonl", "local-object-repair", "training-check-timer", "sampling-check-timer");

    static final String PROBE = """
            - route:
                id: probe
                from:
                  uri: direct:probe
                  steps:
                    - log:
                        message: "Probe (trigger: ${header.ModelLoopTrigger})"
            """;

    @TempDir
    Path tmp;

    @Test
    void savingAYamlRouteFileChangesTheRouteWithinSecondsAndLeavesTheRestRunning() throws Exception {
        Path routes = tmp.resolve("routes");
        copyRoutes(Path.of("routes"), routes);
        // a route file of the test's own beside the real ones, so the test does not depend on what a workflow does
        Files.writeString(routes.resolve("probe.yaml"), PROBE);
        Map<String, String> extra = new HashMap<>();
        extra.put("modelloop.dev", "true");
        extra.put("modelloop.routes.dir", routes.toString());

        try (ModelLoop loop = Fixture.startLocal(tmp.resolve("data"), extra)) {
            ProducerTemplate template = loop.camel().createProducerTemplate();
            assertThat(check(template)).isEqualTo("ping");

            Map<String, Route> before = new HashMap<>();
            for (String id : OTHER_ROUTES) {
                before.put(id, loop.camel().getRoute(id));
                assertThat(before.get(id)).as(id).isNotNull();
            }
            assertThat(loop.camel().getRoute("parameters-refresh")).isNotNull();
            Route notifyBefore = loop.camel().getRoute("notify");

            Path probe = routes.resolve("probe.yaml");
            String original = Files.readString(probe);
            String anchor = "message: \"Probe (trigger: ${header.ModelLoopTrigger})\"\n";
            assertThat(original).contains(anchor);
            Files.writeString(probe, original.replace(anchor, anchor
                    + "        - setBody:\n"
                    + "            simple: \"edited check (trigger: ${header.ModelLoopTrigger})\"\n"));

            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(check(template)).isEqualTo("edited check (trigger: manual)"));

            for (String id : OTHER_ROUTES) {
                assertThat(loop.camel().getRoute(id)).as("%s survives the reload untouched", id).isSameAs(before.get(id));
            }
            // the paused quartz timers stay as the parameters left them; everything else runs
            for (String id : List.of("api-status", "api-parameters-list", "notify-sink-jsonl",
                    "local-object-repair", "parameters-refresh", "notify", "training-check", "sampling-check", "probe")) {
                assertThat(loop.camel().getRouteController().getRouteStatus(id)).as(id).isEqualTo(ServiceStatus.Started);
            }
            assertThat(loop.camel().getRoute("notify")).as("other YAML files are not reloaded").isSameAs(notifyBefore);
            for (var timer : loop.timers()) {
                assertThat(loop.camel().getRoute(timer.spec().routeId())).isNotNull();
            }
            var status = Fixture.get(Fixture.httpBase(loop) + "/api/status");
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(status.body()).contains("\"profile\":\"local\"");

            // the timer route still reaches the reloaded check
            String viaTimerPath = template.requestBodyAndHeader("direct:probe", "x", "ModelLoopTrigger", "schedule", String.class);
            assertThat(viaTimerPath).isEqualTo("edited check (trigger: schedule)");

            // parameters keep being polled after the reload
            ManagedCamelContext managed = loop.camel().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
            long refreshes = managed.getManagedRoute("parameters-refresh").getExchangesTotal();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> managed.getManagedRoute("parameters-refresh").getExchangesTotal() > refreshes);

            // Camel resets the Micrometer registry on a reload: the other routes and the JVM must still be scraped
            // under CI load the registry can take a while to be filled again after the reset
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    Fixture.get(Fixture.managementBase(loop) + "/observe/metrics").body())
                    .contains("routeId=\"parameters-refresh\"", "routeId=\"api-status\"", "routeId=\"probe\"",
                            "jvm_memory_used_bytes{", "jvm_threads_live_threads"));

            // a second save takes effect again, also when the editor saves by writing a temporary file and renaming it
            Path temp = routes.resolve("probe.yaml.tmp");
            Files.writeString(temp, original);
            Files.move(temp, probe, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(check(template)).isEqualTo("ping"));

            // saving the timers' template (routes/schedule.yaml) leaves the timer routes as they run; the next
            // frequency change creates the route again from the template as saved
            Path schedule = routes.resolve("schedule.yaml");
            String templateText = Files.readString(schedule);
            String description = "description: Runs one workflow check every";
            assertThat(templateText).contains(description);
            Files.writeString(schedule, templateText.replace(description, "description: Edited - runs one workflow check every"));
            Model model = loop.camel().getCamelContextExtension().getContextPlugin(Model.class);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> model.getRouteTemplateDefinitions().stream()
                            .anyMatch(t -> t.getRoute().getDescription().startsWith("Edited")));
            String timerId = WorkflowTimer.TRAINING.routeId();
            assertThat(loop.camel().getRoute(timerId)).isSameAs(before.get(timerId));
            assertThat(loop.camel().getRoute(timerId).getDescription()).doesNotStartWith("Edited");
            loop.parameters().set(WorkflowTimer.TRAINING.frequencyParameter(), "30");
            assertThat(loop.camel().getRoute(timerId).getDescription()).startsWith("Edited");
            assertThat(loop.camel().getRouteController().getRouteStatus(timerId)).isEqualTo(ServiceStatus.Started);
        }
    }

    private static String check(ProducerTemplate template) {
        return template.requestBodyAndHeader("direct:probe", "ping", "ModelLoopTrigger", "manual", String.class);
    }

    private static void copyRoutes(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName().toString()));
            }
        }
    }
}
