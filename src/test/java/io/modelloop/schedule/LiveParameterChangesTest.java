package io.modelloop.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.ModelLoop;
import io.modelloop.cli.ModelLoopCommand;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.parameters.ParameterRule;
import io.modelloop.testing.Fixture;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.quartz.Trigger;
import org.quartz.TriggerKey;

/**
 * Parameter changes reaching a running local ModelLoop: the training and sampling timers follow
 * their frequency and enable parameters, and edits of data/parameters.properties made outside
 * the process are picked up, applied or refused, and notified in data/notifications.jsonl.
 */
class LiveParameterChangesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;

    static ModelLoop loop;
    static CamelContext camel;

    @BeforeAll
    static void start() throws Exception {
        loop = Fixture.startLocal(data, Map.of());
        camel = loop.camel();
    }

    @AfterAll
    static void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    static Stream<WorkflowTimer.Spec> timers() {
        return Stream.of(WorkflowTimer.TRAINING, WorkflowTimer.SAMPLING);
    }

    /** Puts the timers back to their defaults so each test starts from a running, 600-minute timer. */
    @AfterEach
    void restoreTimers() {
        for (WorkflowTimer.Spec spec : List.of(WorkflowTimer.TRAINING, WorkflowTimer.SAMPLING)) {
            if (!loop.parameters().values().bool(spec.enabledParameter())) {
                long before = completed(spec.name());
                loop.parameters().set(spec.enabledParameter(), "true");
                // the check that enabling runs must be over before the next test counts
                await().atMost(Duration.ofSeconds(5)).until(() -> completed(spec.name()) == before + 1);
            }
            if (loop.parameters().values().integer(spec.frequencyParameter()) != 600) {
                loop.parameters().set(spec.frequencyParameter(), "600");
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> camel.getInflightRepository().size() == 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timers")
    void timerStartsRunningWithTheFrequencyInForce(WorkflowTimer.Spec spec) {
        WorkflowTimer timer = timer(spec);
        assertThat(timer.isRunning()).isTrue();
        assertThat(timer.minutes()).isEqualTo(600);
        assertThat(routeStatus(spec.routeId())).isEqualTo(ServiceStatus.Started);
        assertThat(camel.getRoute(spec.routeId()).getEndpoint().getEndpointUri())
                .contains("trigger.repeatInterval=" + TimeUnit.MINUTES.toMillis(600));
        assertThat(minutesUntil(timer.nextFireTime())).isBetween(599.0, 600.0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timers")
    void changingTheFrequencyReschedulesTheTimer(WorkflowTimer.Spec spec) throws Exception {
        WorkflowTimer timer = timer(spec);
        long checksBefore = completed(spec.name());

        loop.parameters().set(spec.frequencyParameter(), "5");

        assertThat(timer.minutes()).isEqualTo(5);
        assertThat(timer.isRunning()).isTrue();
        assertThat(routeStatus(spec.routeId())).isEqualTo(ServiceStatus.Started);
        assertThat(camel.getRoute(spec.routeId()).getEndpoint().getEndpointUri())
                .contains("trigger.repeatInterval=" + TimeUnit.MINUTES.toMillis(5));
        assertThat(minutesUntil(timer.nextFireTime())).isBetween(4.9, 5.0);
        // Quartz itself holds the new schedule, not only the route
        Trigger trigger = quartzTrigger(spec);
        assertThat(trigger).isNotNull();
        assertThat(minutesUntil(trigger.getNextFireTime())).isBetween(4.9, 5.0);

        loop.parameters().set(spec.frequencyParameter(), "120");
        assertThat(timer.minutes()).isEqualTo(120);
        assertThat(minutesUntil(quartzTrigger(spec).getNextFireTime())).isBetween(119.9, 120.0);
        // rescheduling does not run a check
        assertThat(completed(spec.name())).isEqualTo(checksBefore);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timers")
    void disablingPausesTheTimerAndEnablingResumesItAndRunsExactlyOneCheck(WorkflowTimer.Spec spec) throws Exception {
        WorkflowTimer timer = timer(spec);
        long checksBefore = completed(spec.name());

        loop.parameters().set(spec.enabledParameter(), "false");

        assertThat(routeStatus(spec.routeId())).isEqualTo(ServiceStatus.Stopped);
        assertThat(timer.isRunning()).isFalse();
        assertThat(timer.nextFireTime()).isNull();
        assertThat(quartzTriggerState(spec)).as("Quartz trigger while paused")
                .isIn(Trigger.TriggerState.PAUSED, Trigger.TriggerState.NONE);
        assertThat(completed(spec.name())).as("disabling runs no check").isEqualTo(checksBefore);

        loop.parameters().set(spec.enabledParameter(), "TRUE");

        assertThat(routeStatus(spec.routeId())).isEqualTo(ServiceStatus.Started);
        assertThat(timer.isRunning()).isTrue();
        assertThat(minutesUntil(timer.nextFireTime())).isBetween(599.0, 600.0);
        // one check at once...
        await().atMost(Duration.ofSeconds(5)).until(() -> completed(spec.name()) >= checksBefore + 1);
        // ...and exactly one
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> completed(spec.name()) == checksBefore + 1);
        // it came from enabling, not from the schedule
        assertThat(completed(spec.routeId())).as("checks started by the timer route").isZero();
    }

    /**
     * Enabling starts a fresh period: the next scheduled check is a full period after enabling,
     * not whatever was left of the schedule from before the pause (a paused schedule whose tick
     * fell due while paused fires it as soon as it is resumed, on top of the check enabling runs).
     */
    @Test
    void enablingStartsAFullPeriodFromTheMomentOfEnabling() throws Exception {
        List<WorkflowTimer.Spec> specs = List.of(WorkflowTimer.TRAINING, WorkflowTimer.SAMPLING);
        for (WorkflowTimer.Spec spec : specs) {
            loop.parameters().set(spec.frequencyParameter(), "1");
            loop.parameters().set(spec.enabledParameter(), "false");
        }
        long pausedAt = System.currentTimeMillis();
        // let part of the period pass while paused
        await().pollDelay(Duration.ofMillis(2100)).atMost(Duration.ofSeconds(3))
                .until(() -> System.currentTimeMillis() > pausedAt + 2000);

        for (WorkflowTimer.Spec spec : specs) {
            long enabledAt = System.currentTimeMillis();
            loop.parameters().set(spec.enabledParameter(), "true");

            assertThat(timer(spec).isRunning()).isTrue();
            assertThat(quartzTrigger(spec).getNextFireTime().getTime())
                    .as("next scheduled %s after enabling", spec.name())
                    .isBetween(enabledAt + 60_000, enabledAt + 65_000);
        }
    }

    /**
     * Enabling after a pause longer than the period must still run exactly one check: the paused
     * schedule must not fire its overdue tick on top of the check that enabling runs. Needs a
     * real minute to pass, so it runs only with -Dmodelloop.slowTests=true.
     */
    @Test
    @EnabledIfSystemProperty(named = "modelloop.slowTests", matches = "true")
    void enablingAfterAPauseLongerThanThePeriodRunsExactlyOneCheck() throws Exception {
        WorkflowTimer.Spec spec = WorkflowTimer.TRAINING;
        loop.parameters().set(spec.frequencyParameter(), "1");
        loop.parameters().set(spec.enabledParameter(), "false");
        Date due = quartzTrigger(spec).getNextFireTime();
        await().pollInterval(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(90))
                .until(() -> System.currentTimeMillis() > due.getTime() + 2000);
        long before = completed(spec.name());

        loop.parameters().set(spec.enabledParameter(), "true");

        await().atMost(Duration.ofSeconds(5)).until(() -> completed(spec.name()) >= before + 1);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> completed(spec.name()) == before + 1);
    }

    @Test
    void theTwoTimersAreIndependent() {
        loop.parameters().set(ParameterDefinition.ENABLE_AUTOMATIC_TRAINING, "false");
        loop.parameters().set(ParameterDefinition.AUTOMATIC_HUMAN_SAMPLING_FREQUENCY, "7");

        assertThat(routeStatus(WorkflowTimer.TRAINING.routeId())).isEqualTo(ServiceStatus.Stopped);
        assertThat(routeStatus(WorkflowTimer.SAMPLING.routeId())).isEqualTo(ServiceStatus.Started);
        assertThat(timer(WorkflowTimer.TRAINING).minutes()).isEqualTo(600);
        assertThat(timer(WorkflowTimer.SAMPLING).minutes()).isEqualTo(7);
    }

    @Test
    void frequencyChangedWhilePausedStaysPausedAndAppliesWhenResumed() throws Exception {
        WorkflowTimer.Spec spec = WorkflowTimer.TRAINING;
        loop.parameters().set(spec.enabledParameter(), "false");
        loop.parameters().set(spec.frequencyParameter(), "30");

        assertThat(routeStatus(spec.routeId())).isEqualTo(ServiceStatus.Stopped);
        assertThat(timer(spec).nextFireTime()).isNull();
        assertThat(timer(spec).minutes()).isEqualTo(30);

        long before = completed(spec.name());
        loop.parameters().set(spec.enabledParameter(), "true");
        await().atMost(Duration.ofSeconds(5)).until(() -> completed(spec.name()) == before + 1);
        assertThat(routeStatus(spec.routeId())).isEqualTo(ServiceStatus.Started);
        assertThat(minutesUntil(quartzTrigger(spec).getNextFireTime())).isBetween(29.9, 30.0);
    }

    @Test
    void changeWrittenToTheFileByAnotherProcessIsAppliedAndNotified() throws Exception {
        String name = ParameterDefinition.AUTOMATIC_TRAINING_POLL_FREQUENCY;
        // the CLI run as a separate command writes the file; only the file links it to the service
        StringWriter err = new StringWriter();
        var cli = ModelLoopCommand.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("params", "set", name, "45", "--data", data.toString());
        assertThat(exit).as(err.toString()).isZero();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(loop.parameters().values().trainingPollMinutes()).isEqualTo(45);
            assertThat(timer(WorkflowTimer.TRAINING).minutes()).isEqualTo(45);
        });
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(notifications("ParameterChanged"))
                .anySatisfy(n -> {
                    assertThat(n.path("data").path("parameter").asText()).isEqualTo(name);
                    assertThat(n.path("data").path("oldValue").asText()).isEqualTo("600");
                    assertThat(n.path("data").path("newValue").asText()).isEqualTo("45");
                }));
    }

    @Test
    void invalidHandEditLeavesTheValueInForceAndIsNotifiedWithTheRule() throws Exception {
        String name = ParameterDefinition.MINIMUM_LABEL_DETECTION_CONFIDENCE;
        String inForce = loop.parameters().values().get(name);

        editByHand(name, "150");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(notifications("ParameterRejected"))
                .anySatisfy(n -> {
                    assertThat(n.path("data").path("parameter").asText()).isEqualTo(name);
                    assertThat(n.path("data").path("value").asText()).isEqualTo("150");
                    assertThat(n.path("data").path("rule").asText()).isEqualTo(ParameterRule.PERCENT_0_TO_100.description());
                    assertThat(n.path("details").asText()).contains(name, "150", ParameterRule.PERCENT_0_TO_100.description());
                }));
        assertThat(loop.parameters().values().get(name)).isEqualTo(inForce);
        assertThat(loop.parameters().storedValues()).containsEntry(name, "150");
        assertThat(notifications("ParameterChanged"))
                .noneSatisfy(n -> assertThat(n.path("data").path("parameter").asText()).isEqualTo(name));

        // correcting it by hand applies the new value
        editByHand(name, "80");
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(loop.parameters().values().minimumLabelDetectionConfidence()).isEqualTo(80.0));
    }

    // --- helpers

    private static WorkflowTimer timer(WorkflowTimer.Spec spec) {
        return loop.timers().stream().filter(t -> t.spec().equals(spec)).findFirst().orElseThrow();
    }

    private static ServiceStatus routeStatus(String routeId) {
        return camel.getRouteController().getRouteStatus(routeId);
    }

    /** Exchanges that completed the route, from its JMX statistics. */
    private static long completed(String routeId) {
        ManagedRouteMBean route = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute(routeId);
        assertThat(route).as("managed route %s", routeId).isNotNull();
        return route.getExchangesCompleted();
    }

    private static Trigger quartzTrigger(WorkflowTimer.Spec spec) throws Exception {
        QuartzComponent quartz = camel.getComponent("quartz", QuartzComponent.class);
        return quartz.getScheduler().getTrigger(TriggerKey.triggerKey(spec.name(), "modelloop"));
    }

    private static Trigger.TriggerState quartzTriggerState(WorkflowTimer.Spec spec) throws Exception {
        QuartzComponent quartz = camel.getComponent("quartz", QuartzComponent.class);
        return quartz.getScheduler().getTriggerState(TriggerKey.triggerKey(spec.name(), "modelloop"));
    }

    private static double minutesUntil(Date when) {
        assertThat(when).as("next fire time").isNotNull();
        return (when.getTime() - System.currentTimeMillis()) / 60_000.0;
    }

    private static List<JsonNode> notifications(String event) throws IOException {
        Path file = data.resolve("notifications.jsonl");
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new UncheckedIOException("not a JSON line: " + l, e);
            }
        }).filter(n -> n.path("event").asText().equals(event)).toList();
    }

    /** Changes one value the way an editor saving the whole file would (written aside, then moved in place). */
    private static void editByHand(String name, String value) throws IOException {
        Path file = data.resolve("parameters.properties");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        p.setProperty(name, value);
        Path tmp = data.resolve("parameters.properties.edit");
        try (var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "edited by hand");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
