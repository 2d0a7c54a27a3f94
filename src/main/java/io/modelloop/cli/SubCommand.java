package io.modelloop.cli;

import io.modelloop.config.Settings;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every sub-command has: the global options, which may also be given before it (to
 * `modelloop` or to a command group such as `params`), and its output streams.
 */
abstract class SubCommand {

    @ParentCommand
    Object parent;
    @Mixin
    GlobalOptions options = new GlobalOptions();
    @Spec
    CommandSpec spec;

    /** This command's options, with any left unset taken from the commands above it. */
    GlobalOptions effectiveOptions() {
        if (parent instanceof SubCommand group) {
            return options.over(group.effectiveOptions());
        }
        if (parent instanceof ModelLoopCommand root) {
            return options.over(root.options);
        }
        return options;
    }

    Settings settings() {
        return effectiveOptions().settings();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** For a command group called without a sub-command: its usage, exit code 2. */
    int usage() {
        spec.commandLine().usage(err());
        return 2;
    }
}
