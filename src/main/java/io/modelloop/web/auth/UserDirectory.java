package io.modelloop.web.auth;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console users: lines {@code NAME=ROLE:HASH} in a users file (a mounted Secret in Kubernetes,
 * data/users.properties locally), plus any given in configuration as
 * {@code modelloop.web.users.NAME=ROLE:HASH}. The file is read again when it changes, so adding a
 * user needs no restart.
 */
public final class UserDirectory {

    public static final String INLINE_PREFIX = "modelloop.web.users.";
    private static final Logger LOG = LoggerFactory.getLogger(UserDirectory.class);

    private final Path file;
    private final Map<String, User> inline;
    private volatile Map<String, User> fromFile = Map.of();
    private volatile FileTime readAt;
    private volatile boolean loaded;

    public UserDirectory(Path file, Map<String, String> settings) {
        this.file = file;
        Map<String, User> m = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith(INLINE_PREFIX) && !v.isBlank()) {
                String name = k.substring(INLINE_PREFIX.length());
                m.put(name, parse(name, v, "configuration key " + k));
            }
        });
        this.inline = Map.copyOf(m);
        reloadIfChanged();
    }

    public Path file() {
        return file;
    }

    public Optional<User> find(String name) {
        reloadIfChanged();
        User u = inline.get(name);
        return Optional.ofNullable(u != null ? u : fromFile.get(name));
    }

    public Collection<User> all() {
        reloadIfChanged();
        Map<String, User> all = new TreeMap<>(fromFile);
        all.putAll(inline);
        return all.values();
    }

    public boolean isEmpty() {
        return all().isEmpty();
    }

    /** Adds or replaces a user in the users file (written whole, owner-only, through a temporary file). */
    public synchronized void put(User user) {
        Properties p = readFile();
        p.setProperty(user.name(), user.role().id() + ":" + user.passwordHash());
        write(p);
    }

    /** Removes a user from the users file; false when the file has no such user. */
    public synchronized boolean remove(String name) {
        Properties p = readFile();
        if (p.remove(name) == null) {
            return false;
        }
        write(p);
        return true;
    }

    private void write(Properties p) {
        try {
            StringWriter text = new StringWriter();
            p.store(text, "ModelLoop console users: NAME=ROLE:PBKDF2-HASH (create hashes with `modelloop hash-password`)");
            OwnerOnlyFiles.write(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Writing the users file " + file + " failed: " + e.getMessage(), e);
        }
        loaded = false;
    }

    private void reloadIfChanged() {
        try {
            FileTime mtime = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
            if (!loaded || !java.util.Objects.equals(mtime, readAt)) {
                reload(mtime);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Reading the users file {} failed, keeping the users read before: {}", file, e.getMessage());
        }
    }

    private synchronized void reload(FileTime mtime) {
        Properties p = readFile();
        Map<String, User> m = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            try {
                m.put(name, parse(name, p.getProperty(name), "users file " + file));
            } catch (IllegalArgumentException e) {
                // one bad line must not lock everybody out
                LOG.error("Ignoring user '{}' in {}: {}", name, file, e.getMessage());
            }
        }
        fromFile = Map.copyOf(m);
        readAt = mtime;
        loaded = true;
    }

    private Properties readFile() {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("Reading the users file " + file + " failed: " + e.getMessage(), e);
            }
        }
        return p;
    }

    private static User parse(String name, String value, String where) {
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("user " + name + " in " + where + " must be ROLE:HASH (role operator or"
                    + " reviewer, hash from `modelloop hash-password`)");
        }
        String hash = value.substring(colon + 1).strip();
        if (!hash.startsWith(PasswordHasher.PREFIX + "$")) {
            throw new IllegalArgumentException("user " + name + " in " + where + " has no " + PasswordHasher.PREFIX
                    + " hash (plain passwords are not accepted; create one with `modelloop hash-password`)");
        }
        return new User(name, Role.parse(value.substring(0, colon)), hash);
    }
}
