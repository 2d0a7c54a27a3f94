package io.modelloop.web.auth;

import java.util.regex.Pattern;

/**
 * A console user as configured: name, role, PBKDF2 password hash (never the password) and session
 * generation. Every session carries the generation it was signed in under; raising it (sign-out,
 * password change) ends all of the user's sessions on every replica that reads the same users file.
 */
public record User(String name, Role role, String passwordHash, long generation) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    public User {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a user name is 1-64 characters of letters, digits, '.', '_', '@' or '-',"
                    + " starting with a letter or digit; got '" + name + "'");
        }
    }

    public User(String name, Role role, String passwordHash) {
        this(name, role, passwordHash, 0);
    }

    public User withGeneration(long g) {
        return new User(name, role, passwordHash, g);
    }

    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
