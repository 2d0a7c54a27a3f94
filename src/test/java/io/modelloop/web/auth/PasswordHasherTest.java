package io.modelloop.web.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    @Test
    void theRightPasswordMatchesAndAnyOtherDoesNot() {
        String hash = PasswordHasher.hash("correct horse".toCharArray());
        assertThat(hash).startsWith("pbkdf2-sha256$210000$").doesNotContain("correct horse");
        assertThat(PasswordHasher.verify("correct horse".toCharArray(), hash)).isTrue();
        assertThat(PasswordHasher.verify("correct hors".toCharArray(), hash)).isFalse();
        assertThat(PasswordHasher.verify("Correct horse".toCharArray(), hash)).isFalse();
    }

    @Test
    void twoHashesOfOnePasswordDifferBecauseOfTheSalt() {
        String a = PasswordHasher.hash("same password".toCharArray());
        String b = PasswordHasher.hash("same password".toCharArray());
        assertThat(a).isNotEqualTo(b);
        assertThat(PasswordHasher.verify("same password".toCharArray(), b)).isTrue();
    }

    @Test
    void malformedHashesAndShortPasswordsAreRefused() {
        for (String bad : new String[] {null, "", "plain", "pbkdf2-sha256$x$y$z", "md5$1$a$b", "pbkdf2-sha256$0$AA$AA"}) {
            assertThat(PasswordHasher.verify("whatever1".toCharArray(), bad)).as(String.valueOf(bad)).isFalse();
        }
        assertThatThrownBy(() -> PasswordHasher.hash("short".toCharArray())).hasMessageContaining("at least 8");
    }

    @Test
    void anUnknownNameCostsTheSameCheckAsAKnownOne() {
        // sign-in checks unknown names against this fixed hash, so that response times do not tell
        // which names exist: it must stay a valid hash with today's iteration count
        String[] parts = Authenticator.DUMMY_HASH.split("\\$");
        assertThat(parts[0]).isEqualTo(PasswordHasher.PREFIX);
        assertThat(Integer.parseInt(parts[1])).isEqualTo(PasswordHasher.ITERATIONS);
        assertThat(PasswordHasher.verify("not-a-user-password".toCharArray(), Authenticator.DUMMY_HASH)).isTrue();
    }
}
