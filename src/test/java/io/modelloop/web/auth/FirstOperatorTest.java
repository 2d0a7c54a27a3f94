package io.modelloop.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirstOperatorTest {

    @TempDir
    Path dir;

    private Settings settings(String profile) {
        return Settings.load(Path.of("config"), Map.of("camel.main.profile", profile, "modelloop.data", dir.toString()));
    }

    @Test
    void theLocalProfileCreatesOneOperatorOnceAndKeepsOnlyItsHash() throws Exception {
        Settings s = settings("local");
        UserDirectory users = new UserDirectory(WebAuthSettings.usersFile(s), s.asMap());
        String password = WebAuthSettings.createFirstOperator(s, users);
        assertThat(password).hasSizeGreaterThanOrEqualTo(16);
        assertThat(users.find("operator")).hasValueSatisfying(u -> {
            assertThat(u.role()).isEqualTo(Role.OPERATOR);
            assertThat(PasswordHasher.verify(password.toCharArray(), u.passwordHash())).isTrue();
        });
        assertThat(Files.readString(WebAuthSettings.usersFile(s))).doesNotContain(password);
        assertThat(WebAuthSettings.createFirstOperator(s, new UserDirectory(WebAuthSettings.usersFile(s), s.asMap()))).isNull();
    }

    @Test
    void theAwsProfileCreatesNobody() {
        Settings s = settings("aws");
        UserDirectory users = new UserDirectory(WebAuthSettings.usersFile(s), s.asMap());
        assertThat(WebAuthSettings.createFirstOperator(s, users)).isNull();
        assertThat(users.isEmpty()).isTrue();
    }

    @Test
    void theSessionKeyIsCreatedOnceAndReused() {
        Settings s = settings("local");
        assertThat(WebAuthSettings.sessionKey(s)).hasSize(32).isEqualTo(WebAuthSettings.sessionKey(s));
    }
}
