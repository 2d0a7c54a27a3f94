package io.modelloop.parameters;

import static io.modelloop.parameters.ParameterDefinition.AUTOMATIC_TRAINING_POLL_FREQUENCY;
import static io.modelloop.parameters.ParameterDefinition.ENABLE_AUTOMATIC_TRAINING;
import static io.modelloop.parameters.ParameterDefinition.MINIMUM_F1_SCORE;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.schedule.WorkflowTimer;
import io.modelloop.storage.AtomicFiles;
import io.modelloop.testing.RecordingNotifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * routes/parameters.yaml on its own (Camel Main with only this file), its timer ticking every
 * 100 ms, on the parameters file as the local profile keeps it, with the training timer as
 * ModelLoop steers it. An operator's edit of the file is applied by the next tick or refused with
 * the reason, and a store that cannot be read shows on the parameters health check until a tick
 * reads it again. Each test has its own file and timer (a CamelContext per test).
 */
@CamelMainTest(properties = {
        "camel.main.routesIncludePattern=file:routes/parameters.yaml,file:routes/schedule.yaml",
        "modelloop.parameters.poll-interval-ms=100"},
        configurationClasses = ParametersRoutesTest.Beans.class, useJmx = true)
class ParametersRoutesTest {

    static final String ROUTE_ID = "parameters-refresh";
    static final int WAIT_SECONDS = 20;
    static final RecordingNotifier NOTIFIER = new RecordingNotifier();
    static final AtomicInteger CONTEXTS = new AtomicInteger();
    /** Set while the store fails as SSM does when it throttles or cannot be reached. */
    static final AtomicBoolean STORE_FAILS = new AtomicBoolean();
    static Path dir;
    static volatile Path file;
    static volatile ParameterService parameters;
    static volatile WorkflowTimer trainingTimer;

    @BeanInject
    CamelContext context;

    /** The service the route calls and the training timer listening to it, as ModelLoop wires them. */
    public static class Beans implements CamelConfiguration {
        @Override
        public void configure(CamelContext camel) throws Exception {
            file = dir.resolve("instance-" + CONTEXTS.incrementAndGet()).resolve("parameters.properties");
            ParameterStore store = new Unreliable(new FileParameterStore(file));
            parameters = new ParameterService(store, NOTIFIER);
            trainingTimer = new WorkflowTimer(camel, WorkflowTimer.TRAINING);
            parameters.addListener(trainingTimer);
            camel.getRegistry().bind("parameterService", parameters);
            parameters.start();
        }
    }

    /** The real file store, failing every read while {@link #STORE_FAILS} is set. */
    record Unreliable(FileParameterStore store) implements ParameterStore {
        @Override
        public Map<String, StoredParameter> readAll() {
            if (STORE_FAILS.get()) {
                throw new IllegalStateException("test outage: the parameter store does not answer");
            }
            return store.readAll();
        }

        @Override
        public void write(String name, String value) {
            store.write(name, value);
        }

        @Override
        public String location() {
            return store.location();
        }

        @Override
        public java.util.List<String> createMissing(Map<String, String> defaults) {
            return store.createMissing(defaults);
        }

        @Override
        public void recordChange(String name, ParameterHistoryEntry entry) {
            store.recordChange(name, entry);
        }
    }

    @BeforeAll
    static void folder() throws Exception {
        dir = Files.createTempDirectory("parameters-routes");
    }

    /** As ModelLoop does once Camel runs: a Quartz timer added before its scheduler starts would fire at once. */
    @BeforeEach
    void installTimer() throws Exception {
        trainingTimer.install(parameters.values());
        NOTIFIER.clear();
    }

    /** Before the next test's CamelContext starts its service on a new file. */
    @AfterEach
    void storeAnswersAgain() {
        STORE_FAILS.set(false);
    }

    @Test
    void valuesSavedInTheFileAreAppliedToTheTrainingTimerByTheNextTickAndNotifiedOnce() throws Exception {
        assertThat(trainingTimer.isRunning()).isTrue();
        assertThat(trainingTimer.minutes()).isEqualTo(600);

        edit(AUTOMATIC_TRAINING_POLL_FREQUENCY, "30");
        edit(ENABLE_AUTOMATIC_TRAINING, "false");
        ticks(2);

        assertThat(parameters.values().get(AUTOMATIC_TRAINING_POLL_FREQUENCY)).isEqualTo("30");
        assertThat(trainingTimer.minutes()).as("rescheduled").isEqualTo(30);
        assertThat(trainingTimer.isRunning()).as("paused").isFalse();
        assertThat(context.getRoute(WorkflowTimer.TRAINING.routeId()).getEndpoint().getEndpointUri())
                .contains("trigger.repeatInterval=" + TimeUnit.MINUTES.toMillis(30));
        assertThat(NOTIFIER.events("ParameterChanged")).extracting(RecordingNotifier.Sent::details).containsExactlyInAnyOrder(
                "Automatic-Training-Poll-Frequency changed from 600 to 30", "Enable-Automatic-Training changed from true to false");

        ticks(3);
        assertThat(NOTIFIER.events("ParameterChanged")).as("later ticks see nothing new").hasSize(2);
    }

    @Test
    void aWrongValueSavedInTheFileIsRefusedWithTheReasonOnceAndTheLastValidValueStays() throws Exception {
        edit(MINIMUM_F1_SCORE, "1.5");
        ticks(2);

        assertThat(parameters.values().minimumF1Score()).isEqualTo(0.8);
        assertThat(NOTIFIER.events("ParameterRejected")).singleElement().satisfies(n -> {
            assertThat(n.details()).isEqualTo("Minimum-F1-Score = '1.5' refused: must be a number from 0 to 1 (for example 0.8);"
                    + " 0.8 stays in force");
            assertThat(n.data()).containsEntry("parameter", MINIMUM_F1_SCORE).containsEntry("value", "1.5")
                    .containsEntry("valueInForce", "0.8");
        });
        assertThat(NOTIFIER.events("ParameterChanged")).isEmpty();

        ticks(3);
        assertThat(NOTIFIER.events("ParameterRejected")).as("refused once, not at every tick").hasSize(1);

        edit(MINIMUM_F1_SCORE, "0.9");
        ticks(2);
        assertThat(parameters.values().minimumF1Score()).isEqualTo(0.9);
        assertThat(NOTIFIER.events("ParameterChanged")).extracting(RecordingNotifier.Sent::details)
                .containsExactly("Minimum-F1-Score changed from 0.8 to 0.9");
    }

    @Test
    void aStoreThatCannotBeReadFailsTheTickAndShowsOnTheHealthCheckUntilATickReadsItAgain() throws Exception {
        ParametersHealthCheck health = new ParametersHealthCheck(parameters);
        assertThat(health.call().getState()).isEqualTo(HealthCheck.State.UP);

        NotifyBuilder failed = new NotifyBuilder(context).fromRoute(ROUTE_ID).whenFailed(2).create();
        STORE_FAILS.set(true);
        assertThat(failed.matches(WAIT_SECONDS, TimeUnit.SECONDS)).as("the ticks fail and the timer goes on").isTrue();
        HealthCheck.Result down = health.call();
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).hasValue("parameter store not readable: test outage: the parameter store does not answer");

        edit(MINIMUM_F1_SCORE, "0.7"); // saved during the outage
        STORE_FAILS.set(false);
        ticks(2);
        assertThat(health.call().getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(parameters.values().minimumF1Score()).isEqualTo(0.7);
        assertThat(NOTIFIER.events("ParameterRestored")).as("nothing taken for deleted").isEmpty();
    }

    /** Waits for n ticks that began after this call (the first tick done may have started before). */
    void ticks(int n) {
        NotifyBuilder done = new NotifyBuilder(context).fromRoute(ROUTE_ID).whenDone(n + 1).create();
        assertThat(done.matches(WAIT_SECONDS, TimeUnit.SECONDS)).as(n + " ticks").isTrue();
    }

    /** Changes one line of the parameters file as an operator's editor saves it (a whole new file). */
    static void edit(String name, String value) throws Exception {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "=.*$").matcher(text);
        assertThat(line.find()).as(name + " in " + file).isTrue();
        AtomicFiles.write(file, line.replaceFirst(Matcher.quoteReplacement(name + "=" + value)).getBytes(StandardCharsets.UTF_8));
    }
}
