package io.modelloop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelloop.web.auth.PasswordHasher;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HashPasswordCliTest {

    private final InputStream stdin = System.in;

    @AfterEach
    void restore() {
        System.setIn(stdin);
    }

    private int run(String input, StringWriter out, StringWriter err) {
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        var cl = ModelLoopCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute("hash-password");
    }

    @Test
    void printsAHashThatVerifiesThePasswordReadFromStandardInput() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run("s3cret-enough\n", out, err)).isZero();
        String hash = out.toString().trim();
        assertThat(hash).doesNotContain("s3cret-enough");
        assertThat(PasswordHasher.verify("s3cret-enough".toCharArray(), hash)).isTrue();
    }

    @Test
    void aTooShortPasswordExitsNonZeroWithTheReason() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run("short\n", out, err)).isEqualTo(1);
        assertThat(err.toString()).contains("at least 8 characters");
        assertThat(out.toString()).isEmpty();
    }
}
