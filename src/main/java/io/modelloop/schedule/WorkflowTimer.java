package io.modelloop.schedule;

import io.modelloop.parameters.ParameterChange;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.parameters.ParameterListener;
import io.modelloop.parameters.ParameterValues;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteTemplateDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Quartz timer route that triggers one workflow check (training or sampling), steered by an
 * enable parameter and a frequency parameter: a new frequency reschedules it, disabling pauses
 * it, enabling resumes it and runs one check at once. The route's shape is the route template
 * {@value #TEMPLATE_ID} in routes/schedule.yaml (leader-only through
 * {@code {{modelloop.leader.consumer-prefix:}}}, as the YAML timers); this class creates the
 * route from it with the interval in force, and creates it again when the interval changes.
 */
public final class WorkflowTimer implements ParameterListener {

    /** Header telling the check why it runs: schedule, enabled, or manual. */
    public static final String TRIGGER_HEADER = "ModelLoopTrigger";

    /** The route template in routes/schedule.yaml that both timer routes are created from. */
    public static final String TEMPLATE_ID = "workflow-timer";

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowTimer.class);

    public record Spec(String name, String enabledParameter, String frequencyParameter, String target) {
        public String routeId() {
            return name + "-timer";
        }
    }

    public static final Spec TRAINING = new Spec("training-check", ParameterDefinition.ENABLE_AUTOMATIC_TRAINING,
            ParameterDefinition.AUTOMATIC_TRAINING_POLL_FREQUENCY, "direct:training-check");
    public static final Spec SAMPLING = new Spec("sampling-check", ParameterDefinition.ENABLE_AUTOMATIC_HUMAN_SAMPLING,
            ParameterDefinition.AUTOMATIC_HUMAN_SAMPLING_FREQUENCY, "direct:sampling-check");

    private final CamelContext camel;
    private final Spec spec;
    private final java.util.function.BooleanSupplier leader;
    private int minutes;
    private ProducerTemplate producer;

    public WorkflowTimer(CamelContext camel, Spec spec) {
        this(camel, spec, () -> true);
    }

    /**
     * @param leader whether this instance runs the leader-only work now: the check run at once
     *               when the timer is enabled runs on the leader only, as the timer itself does
     */
    public WorkflowTimer(CamelContext camel, Spec spec, java.util.function.BooleanSupplier leader) {
        this.camel = camel;
        this.spec = spec;
        this.leader = leader;
    }

    /** Adds the timer route with the values in force; it starts only if enabled. */
    public synchronized void install(ParameterValues values) throws Exception {
        minutes = values.integer(spec.frequencyParameter());
        boolean enabled = values.bool(spec.enabledParameter());
        addRoute(enabled);
        LOG.info("Timer {} every {} min, {}", spec.name(), minutes, enabled ? "enabled" : "paused");
    }

    @Override
    public synchronized void onChange(ParameterChange change, ParameterValues now) {
        try {
            if (change.name().equals(spec.frequencyParameter())) {
                minutes = now.integer(spec.frequencyParameter());
                reinstall(isRunning());
                LOG.info("Timer {} rescheduled to every {} min", spec.name(), minutes);
            } else if (change.name().equals(spec.enabledParameter())) {
                if (now.bool(spec.enabledParameter())) {
                    // A new schedule, one period from now: starting the stopped route would resume
                    // the paused Quartz trigger, which fires at once if a tick fell due while
                    // paused, i.e. a second check on top of the one run below.
                    reinstall(true);
                    if (leader.getAsBoolean()) {
                        LOG.info("Timer {} resumed; running one check now", spec.name());
                        producer().asyncSend(spec.target(),
                                e -> e.getMessage().setHeader(TRIGGER_HEADER, "enabled"));
                    } else {
                        LOG.info("Timer {} resumed; the leader runs its checks", spec.name());
                    }
                } else {
                    camel.getRouteController().stopRoute(spec.routeId());
                    LOG.info("Timer {} paused", spec.name());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("Timer " + spec.name() + " could not apply " + change + ": " + e.getMessage(), e);
        }
    }

    private ProducerTemplate producer() {
        if (producer == null) {
            producer = camel.createProducerTemplate();
        }
        return producer;
    }

    public boolean isRunning() {
        return camel.getRouteController().getRouteStatus(spec.routeId()) == ServiceStatus.Started;
    }

    public int minutes() {
        return minutes;
    }

    public Spec spec() {
        return spec;
    }

    /** When the next scheduled check fires, if running (null when paused). */
    public java.util.Date nextFireTime() {
        Route route = camel.getRoute(spec.routeId());
        if (route == null || !isRunning()) {
            return null;
        }
        org.apache.camel.Endpoint endpoint = route.getEndpoint();
        if (endpoint instanceof org.apache.camel.DelegateEndpoint d) {
            // master: (leader election) the Quartz trigger is scheduled on every instance, but only
            // the leader's consumer runs; a follower's firing finds no consumer and does nothing
            if (!leader.getAsBoolean()) {
                return null;
            }
            endpoint = d.getEndpoint();
        }
        return endpoint instanceof org.apache.camel.component.quartz.QuartzEndpoint q ? nextFire(q) : null;
    }

    private static java.util.Date nextFire(org.apache.camel.component.quartz.QuartzEndpoint q) {
        try {
            var trigger = q.getComponent().getScheduler().getTrigger(q.getTriggerKey());
            return trigger == null ? null : trigger.getNextFireTime();
        } catch (Exception e) {
            return null;
        }
    }

    private void reinstall(boolean start) throws Exception {
        camel.getRouteController().stopRoute(spec.routeId());
        camel.removeRoute(spec.routeId());
        addRoute(start);
    }

    /** Creates the route from the template in routes/schedule.yaml (loaded with the YAML routes). */
    private void addRoute(boolean start) throws Exception {
        // one lock for both timers: Camel's list of templates is a plain list
        synchronized (WorkflowTimer.class) {
            keepNewestTemplate(camel);
            TemplatedRouteBuilder.builder(camel, TEMPLATE_ID)
                    .routeId(spec.routeId())
                    // the template's step ids, once per route: training-check-mark-scheduled, ...
                    .prefixId(spec.name() + "-")
                    .parameter("name", spec.name())
                    .parameter("intervalMs", TimeUnit.MINUTES.toMillis(minutes))
                    .parameter("target", spec.target())
                    .parameter("autoStartup", start)
                    .add();
        }
    }

    /**
     * A dev-mode reload of routes/schedule.yaml adds the saved template beside the one loaded
     * before (Camel 4.18 appends templates and creates routes from the first of an id): keeps
     * the newest, so the next route created is the edited one.
     */
    private static void keepNewestTemplate(CamelContext camel) throws Exception {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        List<RouteTemplateDefinition> loaded = model.getRouteTemplateDefinitions().stream()
                .filter(t -> TEMPLATE_ID.equals(t.getId())).toList();
        if (loaded.isEmpty()) {
            throw new IllegalStateException("No route template " + TEMPLATE_ID
                    + ": routes/schedule.yaml must be among the YAML routes Camel loads (camel.main.routesIncludePattern)");
        }
        if (loaded.size() > 1) {
            model.removeRouteTemplateDefinitions(loaded.subList(0, loaded.size() - 1));
        }
    }
}
