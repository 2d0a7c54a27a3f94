package io.modelloop.cli;

import io.modelloop.config.Settings;
import io.modelloop.web.auth.PasswordHasher;
import io.modelloop.web.auth.Role;
import io.modelloop.web.auth.User;
import io.modelloop.web.auth.UserDirectory;
import io.modelloop.web.auth.WebAuthSettings;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "users", mixinStandardHelpOptions = true,
        description = "Lists, adds and removes console users in the users file (a running ModelLoop picks changes up at once).",
        subcommands = {UsersCommand.ListCmd.class, UsersCommand.AddCmd.class, UsersCommand.RemoveCmd.class})
final class UsersCommand extends SubCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        return usage();
    }

    static UserDirectory directory(Settings s) {
        return new UserDirectory(WebAuthSettings.usersFile(s), s.asMap());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Shows each user and role (never hashes).")
    static final class ListCmd extends SubCommand implements Callable<Integer> {

        @Override
        public Integer call() {
            UserDirectory dir = UsersCommand.directory(settings());
            PrintWriter out = out();
            out.println("Users in " + dir.file());
            dir.all().forEach(u -> out.printf("%-30s %s%n", u.name(), u.role().id()));
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds a user, or sets a user's role and password (which ends its sessions); reads the password like hash-password.")
    static final class AddCmd extends SubCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "user name: letters, digits, '.', '_', '@', '-'")
        String name;
        @Option(names = "--role", required = true, description = "operator or reviewer")
        String role;

        @Override
        public Integer call() throws Exception {
            Role r;
            try {
                r = Role.parse(role);
                if (!User.validName(name)) {
                    throw new IllegalArgumentException("bad user name '" + name + "': 1-64 letters, digits, '.', '_', '@' or '-'");
                }
            } catch (IllegalArgumentException e) {
                err().println("modelloop: " + e.getMessage());
                return 2;
            }
            char[] password = PasswordInput.read();
            if (password == null) {
                err().println("modelloop: the two passwords differ");
                return 1;
            }
            try {
                UserDirectory dir = UsersCommand.directory(settings());
                dir.put(new User(name, r, PasswordHasher.hash(password)));
                out().println("User " + name + " (" + r.id() + ") saved in " + dir.file());
                return 0;
            } catch (IllegalArgumentException e) {
                err().println("modelloop: " + e.getMessage());
                return 1;
            } finally {
                Arrays.fill(password, '\0');
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a user; their sessions end at once.")
    static final class RemoveCmd extends SubCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            UserDirectory dir = UsersCommand.directory(settings());
            if (!dir.remove(name)) {
                err().println("modelloop: no user " + name + " in " + dir.file());
                return 1;
            }
            out().println("User " + name + " removed from " + dir.file());
            return 0;
        }
    }
}
