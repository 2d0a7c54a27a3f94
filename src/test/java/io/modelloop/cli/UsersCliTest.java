package io.modelloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.web.auth.PasswordHasher;
import io.modelloop.web.auth.Role;
import io.modelloop.web.auth.UserDirectory;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersCliTest {

    private final InputStream stdin = System.in;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path data;

    @AfterEach
    void restore() {
        System.setIn(stdin);
    }

    private int run(String input, String... args) {
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        var cl = ModelLoopCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data";
        all[args.length + 1] = data.toString();
        return cl.execute(all);
    }

    @Test
    void addListAndRemoveAReviewer() throws Exception {
        assertThat(run("a-long-password\n", "users", "add", "alice", "--role", "reviewer")).as(err.toString()).isZero();
        UserDirectory users = new UserDirectory(data.resolve("users.properties"), Map.of());
        assertThat(users.find("alice")).hasValueSatisfying(u -> {
            assertThat(u.role()).isEqualTo(Role.REVIEWER);
            assertThat(PasswordHasher.verify("a-long-password".toCharArray(), u.passwordHash())).isTrue();
        });
        assertThat(Files.readString(data.resolve("users.properties"))).doesNotContain("a-long-password");

        assertThat(run("", "users", "list")).isZero();
        assertThat(out.toString()).contains("alice").contains("reviewer").doesNotContain("pbkdf2");

        assertThat(run("", "users", "remove", "alice")).isZero();
        assertThat(users.find("alice")).isEmpty();
        assertThat(run("", "users", "remove", "alice")).isEqualTo(1);
        assertThat(err.toString()).contains("no user alice");
    }

    @Test
    void aBadRoleOrNameIsRefusedBeforeAnyPasswordIsRead() {
        assertThat(run("a-long-password\n", "users", "add", "bob", "--role", "admin")).isEqualTo(2);
        assertThat(err.toString()).contains("operator or reviewer");
        assertThat(run("a-long-password\n", "users", "add", "../bob", "--role", "operator")).isEqualTo(2);
        assertThat(Files.exists(data.resolve("users.properties"))).isFalse();
    }
}
