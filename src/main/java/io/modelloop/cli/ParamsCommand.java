package io.modelloop.cli;

import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.parameters.ParameterHistoryEntry;
import io.modelloop.parameters.ParameterService;
import io.modelloop.parameters.StoredParameter;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "params", mixinStandardHelpOptions = true,
        description = "Lists, reads and sets the runtime parameters (file in local, SSM in aws).",
        subcommands = {ParamsCommand.ListCmd.class, ParamsCommand.GetCmd.class, ParamsCommand.SetCmd.class})
final class ParamsCommand extends SubCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        return usage();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Shows every parameter, its value, default and rule.")
    static final class ListCmd extends SubCommand implements Callable<Integer> {

        @Override
        public Integer call() {
            PrintWriter out = out();
            try (ParameterAdmin admin = new ParameterAdmin(settings())) {
                Map<String, StoredParameter> stored = admin.store().readAll();
                out.printf("Parameters in %s%n", admin.store().location());
                out.printf("%-36s %-8s %-8s %s%n", "NAME", "VALUE", "DEFAULT", "RULE");
                for (ParameterDefinition d : ParameterDefinition.ALL) {
                    StoredParameter p = stored.get(d.name());
                    String value = p == null ? d.defaultValue() : p.value();
                    String note = p == null ? "  (not stored yet: default)"
                            : d.rule().accepts(p.value()) ? "" : "  (INVALID, not applied)";
                    out.printf("%-36s %-8s %-8s %s%s%n", d.name(), value, d.defaultValue(), d.rule().description(), note);
                }
            }
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Prints one parameter's stored value.")
    static final class GetCmd extends SubCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "Parameter name, e.g. Minimum-F1-Score")
        String name;

        @Override
        public Integer call() {
            ParameterDefinition d = ParameterService.definition(name);
            try (ParameterAdmin admin = new ParameterAdmin(settings())) {
                StoredParameter p = admin.store().readAll().get(d.name());
                out().println(p == null ? d.defaultValue() : p.value());
            }
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Checks and stores a parameter value; a running ModelLoop applies and notifies it.")
    static final class SetCmd extends SubCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "Parameter name, e.g. Minimum-F1-Score")
        String name;
        @Parameters(index = "1", paramLabel = "VALUE", description = "New value, e.g. 0.9")
        String value;

        @Override
        public Integer call() {
            ParameterDefinition d = ParameterService.definition(name);
            ParameterService.validate(d, value);
            var settings = settings();
            try (ParameterAdmin admin = new ParameterAdmin(settings)) {
                admin.store().write(d.name(), d.rule().canonical(value));
                admin.store().recordChange(d.name(), new ParameterHistoryEntry(d.rule().canonical(value),
                        java.time.Instant.now(), System.getProperty("user.name"), ParameterHistoryEntry.CLI));
                long seconds = Math.max(1, settings.getLong("modelloop.parameters.poll-interval-ms") / 1000);
                out().printf("%s set to %s in %s; a running ModelLoop applies it within %d s.%n",
                        d.name(), d.rule().canonical(value), admin.store().location(), seconds);
            }
            return 0;
        }
    }
}
