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
 * The console users: lines {@code NAME=ROLE:HASH[:GENERATION]} in a users file (a mounted Secret in Kubernetes,
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
    // generations raised for users this process cannot write down (configuration users, a read-only
    // file): those revocations hold on this replica only
    private final java.util.concurrent.ConcurrentHashMap<String, Long> localGenerations = new java.util.concurrent.ConcurrentHashMap<>();

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
        User found = u != null ? u : fromFile.get(name);
        if (found == null) {
            return Optional.empty();
        }
        Long local = localGenerations.get(name);
        return Optional.of(local != null && local > found.generation() ? found.withGeneration(local) : found);
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

    /**
     * Adds or replaces a user in the users file (written whole, owner-only, through a temporary file).
     * Replacing a user raises its session generation, so a new password or role ends its sessions.
     */
    public synchronized void put(User user) {
        Properties p = readFile();
        String old = p.getProperty(user.name());
        long generation = old == null ? user.generation() : Math.max(user.generation(), generationOf(old) + 1);
        p.setProperty(user.name(), line(user.withGeneration(generation)));
        write(p);
    }

    /**
     * Raises the user's session generation in the users file, ending every session signed in before.
     * A user the file does not hold (configuration) or a file that cannot be written: this replica only.
     */
    public synchronized void endSessions(String name) {
        Properties p = readFile();
        String old = p.getProperty(name);
        if (old != null && !inline.containsKey(name)) {
            try {
                User u = parse(name, old, "users file " + file);
                p.setProperty(name, line(u.withGeneration(u.generation() + 1)));
                write(p);
                return;
            } catch (IllegalArgumentException | UncheckedIOException e) {
                LOG.warn("Could not write the sign-out of {} to {} ({}): other replicas accept its sessions until they expire",
                        name, file, e.getMessage());
            }
        }
        find(name).ifPresent(u -> localGenerations.merge(name, u.generation() + 1, Math::max));
    }

    private static String line(User u) {
        return u.role().id() + ":" + u.passwordHash() + (u.generation() > 0 ? ":" + u.generation() : "");
    }

    private static long generationOf(String value) {
        String[] parts = value.split(":", -1);
        try {
            return parts.length == 3 ? Long.parseLong(parts[2].strip()) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
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
            p.store(text, "ModelLoop console users: NAME=ROLE:PBKDF2-HASH[:SESSION-GENERATION] (create hashes with"
                    + " `modelloop hash-password`; raising the generation ends the user's sessions)");
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
        String rest = value.substring(colon + 1).strip();
        int second = rest.indexOf(':');
        String hash = second < 0 ? rest : rest.substring(0, second).strip();
        long generation = 0;
        if (second >= 0) {
            try {
                generation = Long.parseLong(rest.substring(second + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("user " + name + " in " + where + " must be ROLE:HASH or ROLE:HASH:GENERATION"
                        + " (a whole number)");
            }
        }
        if (!hash.startsWith(PasswordHasher.PREFIX + "$")) {
            throw new IllegalArgumentException("user " + name + " in " + where + " has no " + PasswordHasher.PREFIX
                    + " hash (plain passwords are not accepted; create one with `modelloop hash-password`)");
        }
        return new User(name, Role.parse(value.substring(0, colon)), hash, generation);
    }
}
