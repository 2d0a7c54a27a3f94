package io.modelloop.schedule;

import io.modelloop.config.Once;
import io.modelloop.parameters.ParameterService;
import java.util.List;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * Which instance runs the timers and pollers, and the two parameter-driven Quartz timers
 * (training check, human sampling), created from the route template in routes/schedule.yaml.
 * With leader election they run on the leader only (master: consumers through the template's
 * {{modelloop.leader.consumer-prefix:}}, like the YAML timers); SQS consumers and the HTTP
 * servers run on every instance.
 */
@Configuration
public class ScheduleConfiguration implements CamelConfiguration {

    private final LeaderElection election;
    private final Once<List<WorkflowTimer>> timers = new Once<>();

    /** @param election made before Camel starts: the YAML timers' placeholders name its consumer prefix */
    public ScheduleConfiguration(LeaderElection election) {
        this.election = election;
    }

    @BindToRegistry("leaderElection")
    public LeaderElection leaderElection() {
        return election;
    }

    /** The timers, or none before Camel configured them. */
    public List<WorkflowTimer> timers() {
        List<WorkflowTimer> made = timers.orNull();
        return made == null ? List.of() : made;
    }

    /** Installed once the parameters are read (ModelLoop's start), rescheduled when they change. */
    @BindToRegistry("workflowTimers")
    public List<WorkflowTimer> workflowTimers(CamelContext camel) {
        return timers.get(() -> List.of(new WorkflowTimer(camel, WorkflowTimer.TRAINING, election::isLeader),
                new WorkflowTimer(camel, WorkflowTimer.SAMPLING, election::isLeader)));
    }

    @Override
    public void configure(CamelContext camel) throws Exception {
        ParameterService parameters = camel.getRegistry().findSingleByType(ParameterService.class);
        election.install(camel);
        parameters.announceWhen(election::isLeader);
        workflowTimers(camel).forEach(parameters::addListener);
        HealthCheckRegistry.get(camel).register(new LeadershipHealthCheck(election));
    }
}
