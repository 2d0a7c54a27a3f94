package io.modelloop.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelloop.parameters.ParameterChange;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.parameters.ParameterValues;
import io.modelloop.testing.StandIn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.Route;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

/**
 * routes/schedule.yaml on its own (Camel Main with only this file), the training check stood in
 * for by mock:training-check: the timer route WorkflowTimer creates is the YAML route template
 * with the interval in force, and a parameter change creates it again from the template as it is
 * then (a CamelContext per test, so an edited template stays in its test).
 */
@CamelMainTest(properties = "camel.main.routesIncludePattern=file:routes/schedule.yaml",
        configurationClasses = WorkflowTimerTemplateTest.Beans.class)
class WorkflowTimerTemplateTest {

    static final Path TEMPLATE_FILE = Path.of("routes/schedule.yaml");

    @BeanInject
    CamelContext context;

    @EndpointInject("mock:training-check")
    MockEndpoint check;

    public static class Beans implements CamelConfiguration {
        @Override
        public void configure(CamelContext camel) throws Exception {
            camel.addRoutes(StandIn.forDirect("training-check"));
        }
    }

    @Test
    void theTimerRouteIsCreatedFromTheYamlTemplateWithTheFrequencyInForce() throws Exception {
        assertThat(context.getCamelContextExtension().getContextPlugin(ModelCamelContext.class)
                .getRouteTemplateDefinition(WorkflowTimer.TEMPLATE_ID)).as("the template in routes/schedule.yaml").isNotNull();
        WorkflowTimer timer = new WorkflowTimer(context, WorkflowTimer.TRAINING);

        timer.install(values("30", "true"));

        Route route = context.getRoute("training-check-timer");
        assertThat(route.isCreatedByRouteTemplate()).isTrue();
        assertThat(route.getSourceLocation()).contains("routes/schedule.yaml");
        assertThat(context.getProcessor("training-check-mark-scheduled")).as("the template's step, prefixed").isNotNull();
        assertThat(route.getEndpoint().getEndpointUri()).startsWith("quartz://modelloop/training-check?")
                .contains("trigger.repeatInterval=" + TimeUnit.MINUTES.toMillis(30));
        assertThat(timer.isRunning()).isTrue();
        assertThat(minutesUntil(timer)).isBetween(29.9, 30.0);

        check.expectedHeaderReceived(WorkflowTimer.TRIGGER_HEADER, "schedule");
        fire(route);
        check.assertIsSatisfied(10_000);
    }

    @Test
    void aFrequencyChangeCreatesTheRouteAgainFromTheTemplateAsItIsThen() throws Exception {
        WorkflowTimer timer = new WorkflowTimer(context, WorkflowTimer.TRAINING);
        timer.install(values("600", "true"));

        // the operator edits the header value in routes/schedule.yaml (as a dev-mode reload loads it)
        String edited = Files.readString(TEMPLATE_FILE, StandardCharsets.UTF_8)
                .replace("constant: schedule", "constant: schedule-edited");
        assertThat(edited).contains("schedule-edited");
        PluginHelper.getRoutesLoader(context).updateRoutes(List.of(ResourceHelper.fromString("schedule.yaml", edited)));
        // the running route is not changed by the edit...
        check.expectedHeaderReceived(WorkflowTimer.TRIGGER_HEADER, "schedule");
        fire(context.getRoute("training-check-timer"));
        check.assertIsSatisfied(10_000);

        // ...a change of its frequency creates it again from the edited template
        timer.onChange(new ParameterChange(ParameterDefinition.AUTOMATIC_TRAINING_POLL_FREQUENCY, "600", "5"),
                values("5", "true"));

        assertThat(minutesUntil(timer)).isBetween(4.9, 5.0);
        check.reset();
        check.expectedHeaderReceived(WorkflowTimer.TRIGGER_HEADER, "schedule-edited");
        fire(context.getRoute("training-check-timer"));
        check.assertIsSatisfied(10_000);
    }

    @Test
    void withoutTheTemplateInstallingSaysWhichFileIsMissing() throws Exception {
        context.getCamelContextExtension().getContextPlugin(ModelCamelContext.class)
                .removeRouteTemplateDefinitions(WorkflowTimer.TEMPLATE_ID);

        assertThatThrownBy(() -> new WorkflowTimer(context, WorkflowTimer.TRAINING).install(values("30", "true")))
                .hasMessageContaining("No route template workflow-timer: routes/schedule.yaml must be among the YAML routes");
    }

    private static ParameterValues values(String minutes, String enabled) {
        Map<String, String> raw = new HashMap<>(ParameterValues.defaults().raw());
        raw.put(ParameterDefinition.AUTOMATIC_TRAINING_POLL_FREQUENCY, minutes);
        raw.put(ParameterDefinition.ENABLE_AUTOMATIC_TRAINING, enabled);
        return new ParameterValues(raw);
    }

    private static double minutesUntil(WorkflowTimer timer) {
        assertThat(timer.nextFireTime()).as("next fire time").isNotNull();
        return (timer.nextFireTime().getTime() - System.currentTimeMillis()) / 60_000.0;
    }

    /** Fires the route's Quartz trigger now, as its schedule would. */
    private static void fire(Route route) throws Exception {
        QuartzEndpoint quartz = (QuartzEndpoint) route.getEndpoint();
        var scheduler = quartz.getComponent().getScheduler();
        scheduler.triggerJob(scheduler.getTrigger(quartz.getTriggerKey()).getJobKey());
    }
}
