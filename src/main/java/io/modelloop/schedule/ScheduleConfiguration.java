package io.modelloop.schedule;

import io.modelloop.parameters.ParameterService;
import java.util.List;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * Which instance runs the timers and pollers, and the two parameter-driven Quartz timers
 * (training check, human sampling). With leader election they run on the leader only (master:
 * consumers, like the YAML timers); SQS consumers and the HTTP servers run on every instance.
 */
@Configuration
public class ScheduleConfiguration implements CamelConfiguration {

    private final LeaderElection election;
    private List<WorkflowTimer> timers;

    /** @param election made before Camel starts: the YAML timers' placeholders name its consumer prefix */
    public ScheduleConfiguration(LeaderElection election) {
        this.election = election;
    }

    @BindToRegistry("leaderElection")
    public LeaderElection leaderElection() {
        return election;
    }

    /** The timers, or none before Camel configured them. */
    public synchronized List<WorkflowTimer> timers() {
        return timers == null ? List.of() : timers;
    }

    /** Installed once the parameters are read (ModelLoop's start), rescheduled when they change. */
    @BindToRegistry("workflowTimers")
    public synchronized List<WorkflowTimer> workflowTimers(CamelContext camel) {
        if (timers == null) {
            TimerPlacement placement = election.placement();
            timers = List.of(new WorkflowTimer(camel, WorkflowTimer.TRAINING, placement, election::isLeader),
                    new WorkflowTimer(camel, WorkflowTimer.SAMPLING, placement, election::isLeader));
        }
        return timers;
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
