package io.modelloop.web.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserDirectoryTest {

    private static final String HASH = PasswordHasher.hash("correct horse".toCharArray());

    @TempDir
    Path dir;

    @Test
    void readsTheFileAgainWhenItChanges() throws Exception {
        Path file = dir.resolve("users.properties");
        Files.writeString(file, "alice=operator:" + HASH + "\n");
        UserDirectory users = new UserDirectory(file, Map.of());
        assertThat(users.find("alice")).map(User::role).contains(Role.OPERATOR);

        Files.writeString(file, "bob=reviewer:" + HASH + "\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(users.find("alice")).isEmpty();
        assertThat(users.find("bob")).map(User::role).contains(Role.REVIEWER);
    }

    @Test
    void aBadLineIsSkippedAndPlainPasswordsAreNotAccepted() throws Exception {
        Path file = dir.resolve("users.properties");
        Files.writeString(file, "alice=operator:hunter22\nbob=admin:" + HASH + "\ncarol=reviewer:" + HASH + "\n");
        UserDirectory users = new UserDirectory(file, Map.of());
        assertThat(users.all()).extracting(User::name).containsExactly("carol");
        assertThatThrownBy(() -> new UserDirectory(file, Map.of(UserDirectory.INLINE_PREFIX + "dave", "operator:secret")))
                .hasMessageContaining("hash-password");
    }

    @Test
    void putWritesAnOwnerOnlyFileWithTheHashOnly() throws Exception {
        Path file = dir.resolve("sub/users.properties");
        UserDirectory users = new UserDirectory(file, Map.of());
        assertThat(users.isEmpty()).isTrue();
        users.put(new User("erin", Role.REVIEWER, HASH));
        assertThat(users.find("erin")).isPresent();
        assertThat(Files.readString(file)).contains("erin=reviewer\\:" + HASH).doesNotContain("correct horse");
        assertThat(Files.getPosixFilePermissions(file)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    }
}
