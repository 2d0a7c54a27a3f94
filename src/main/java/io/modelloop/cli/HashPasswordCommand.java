package io.modelloop.cli;

import io.modelloop.web.auth.PasswordHasher;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "hash-password", mixinStandardHelpOptions = true,
        description = "Reads a password (typed without echo, or one line on standard input) and prints the hash "
                + "to put in the configuration of a console user; the password itself is never stored.")
final class HashPasswordCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        char[] password = PasswordInput.read();
        if (password == null) {
            spec.commandLine().getErr().println("modelloop: the two passwords differ");
            return 1;
        }
        try {
            spec.commandLine().getOut().println(PasswordHasher.hash(password));
            return 0;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("modelloop: " + e.getMessage());
            return 1;
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }
}
