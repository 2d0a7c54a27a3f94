package io.modelloop.cli;

import io.modelloop.ModelLoop;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs ModelLoop until stopped (Ctrl-C or SIGTERM stop it gracefully).")
final class RunCommand extends SubCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        return run(effectiveOptions());
    }

    static int run(GlobalOptions options) throws Exception {
        ModelLoop loop = new ModelLoop(options.settings()).start();
        loop.awaitShutdown();
        loop.close();
        return 0;
    }
}
