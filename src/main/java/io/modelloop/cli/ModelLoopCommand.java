package io.modelloop.cli;

import io.modelloop.config.ConfigurationException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "modelloop", mixinStandardHelpOptions = true, version = "ModelLoop 0.1.0",
        description = {
            "Keeps a custom image model improving by itself: classifies images dropped into a bucket, "
                    + "sends doubtful results to human reviewers, retrains when enough new labels exist and "
                    + "deploys a new model only when its F1 is good enough.",
            "",
            "Without a sub-command it runs ModelLoop (same as 'run')."},
        subcommands = {RunCommand.class, ParamsCommand.class, StatusCommand.class, TrainCommand.class, UsersCommand.class, ReplayCommand.class, HashPasswordCommand.class,
            BootstrapCommand.class, TeardownCommand.class, IamPolicyCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 failure (e.g. a refused parameter value), 2 bad arguments, 3 access denied by AWS (bootstrap, teardown, iam-policy)."})
public final class ModelLoopCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions options = new GlobalOptions();

    @Override
    public Integer call() throws Exception {
        return RunCommand.run(options);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ModelLoopCommand());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // a refused value or name: the message names the rule; exit 1 as documented
            if (ex instanceof ConfigurationException || ex instanceof IllegalStateException
                    || ex instanceof io.modelloop.parameters.InvalidParameterException) {
                cmd.getErr().println("modelloop: " + ex.getMessage());
                return 1;
            }
            throw ex;
        });
        return cl;
    }
}
