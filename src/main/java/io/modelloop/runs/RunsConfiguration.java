package io.modelloop.runs;

import io.modelloop.config.Once;
import io.modelloop.config.Settings;
import io.modelloop.parameters.ParameterService;
import io.modelloop.schedule.LeaderElection;
import io.modelloop.storage.Databases;
import java.time.Clock;
import java.util.Map;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/** The run records (SPEC 5): where they are stored and the recorder every workflow step writes through. */
@Configuration
public class RunsConfiguration implements CamelConfiguration {

    private final Settings settings;
    private final Once<RunStore> store = new Once<>();
    private final Once<RunRecorder> recorder = new Once<>();

    public RunsConfiguration(Settings settings) {
        this.settings = settings;
    }

    @BindToRegistry("runStore")
    public RunStore runStore(Databases databases) {
        return store.get(() -> RunStores.create(settings, databases::h2, databases::dynamo));
    }

    @BindToRegistry("runRecorder")
    public RunRecorder runRecorder(Databases databases) {
        return recorder.get(() -> new RunRecorder(runStore(databases), Clock.systemUTC()));
    }

    /** The store opened by {@link #runStore}, or null. */
    public RunStore store() {
        return store.orNull();
    }

    @Override
    public void configure(CamelContext camel) {
        ParameterService parameters = camel.getRegistry().findSingleByType(ParameterService.class);
        LeaderElection election = camel.getRegistry().findSingleByType(LeaderElection.class);
        // SPEC 5: a parameter change is a run too (recorded once, by the leader)
        parameters.addListener((change, now) -> {
            if (election.isLeader()) {
                recorder.orNull().start("PARAMETER_CHANGE", Map.of("parameter", change.name(),
                        "oldValue", change.oldValue(), "newValue", change.newValue())).succeed(Map.of("applied", true));
            }
        });
    }
}
