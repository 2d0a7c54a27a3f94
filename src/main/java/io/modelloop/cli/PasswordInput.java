package io.modelloop.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A password typed twice without echo at a terminal, or one line of standard input in scripts. */
final class PasswordInput {

    private PasswordInput() {
    }

    /** @return the password, or null when the two typed ones differ */
    static char[] read() throws IOException {
        if (System.console() != null) {
            char[] password = System.console().readPassword("Password: ");
            char[] again = System.console().readPassword("Again: ");
            if (!Arrays.equals(password, again)) {
                return null;
            }
            return password;
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return line == null ? new char[0] : line.toCharArray();
    }
}
