package io.modelloop.web;

import io.modelloop.notify.NotificationSinkHealth;
import io.modelloop.parameters.ParameterService;
import io.modelloop.schedule.LeaderElection;
import io.modelloop.schedule.WorkflowTimer;
import io.modelloop.state.SystemStateRepository;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/** GET /api/status: what runs, where its data is, the timers and the system state. */
public final class StatusApi {

    private final Map<String, Object> about;
    private final ParameterService parameters;
    private final SystemStateRepository systemState;
    private final List<WorkflowTimer> timers;
    private final NotificationSinkHealth sinks;
    private final LeaderElection election;

    public StatusApi(Map<String, Object> about, ParameterService parameters, SystemStateRepository systemState,
                     List<WorkflowTimer> timers, NotificationSinkHealth sinks, LeaderElection election) {
        this.election = election;
        this.about = about;
        this.parameters = parameters;
        this.systemState = systemState;
        this.timers = timers;
        this.sinks = sinks;
    }

    public void status(Exchange exchange) {
        Map<String, Object> out = new LinkedHashMap<>(about);
        boolean leader = election.isLeader();
        // several replicas: only the leader's timers and pollers fire (modelloop.leader.election)
        out.put("leader", leader);
        out.put("leaderElection", election.describe());
        out.put("parameters", parameters.values().raw());
        out.put("parametersLocation", parameters.location());
        Map<String, Object> t = new LinkedHashMap<>();
        for (WorkflowTimer timer : timers) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("running", timer.isRunning());
            one.put("firesHere", timer.isRunning() && leader);
            one.put("everyMinutes", timer.minutes());
            var next = timer.nextFireTime();
            one.put("nextFire", next == null ? null : next.toInstant().toString());
            t.put(timer.spec().name(), one);
        }
        out.put("timers", t);
        out.put("systemState", systemState.recent(java.time.Duration.ofSeconds(5)));
        out.put("notificationSinks", sinks.snapshot());
        JsonResponses.reply(exchange, 200, out);
    }
}
