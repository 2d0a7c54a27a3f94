package io.modelloop.cli;

import io.modelloop.ModelLoop;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs ModelLoop until stopped (Ctrl-C or SIGTERM stop it gracefully).")
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    ModelLoopCommand parent;

    @Mixin
    GlobalOptions options = new GlobalOptions();

    @Override
    public Integer call() throws Exception {
        return run(options.over(parent.options));
    }

    static int run(GlobalOptions options) throws Exception {
        ModelLoop loop = new ModelLoop(options.settings()).start();
        loop.awaitShutdown();
        loop.close();
        return 0;
    }
}
