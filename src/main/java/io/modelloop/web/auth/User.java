package io.modelloop.web.auth;

import java.util.regex.Pattern;

/** A console user as configured: name, role and PBKDF2 password hash (never the password). */
public record User(String name, Role role, String passwordHash) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    public User {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a user name is 1-64 characters of letters, digits, '.', '_', '@' or '-',"
                    + " starting with a letter or digit; got '" + name + "'");
        }
    }

    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
