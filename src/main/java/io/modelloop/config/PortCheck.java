package io.modelloop.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Checks, before anything starts, that the ports this instance will listen on are free, so that a
 * clash ends start-up with one line naming the port and the setting to change instead of a server
 * stack trace half-way through start-up.
 */
public final class PortCheck {

    private PortCheck() {
    }

    /**
     * @param key    the configuration key of the port, e.g. modelloop.http.port
     * @param option the CLI option that sets it (may be null)
     * @throws ConfigurationException when something already listens there
     */
    public static void free(Settings s, String key, String hostKey, String defaultHost, String option) {
        int port = s.getInt(key);
        if (port <= 0) {
            return; // 0 picks a free port
        }
        String host = hostKey == null ? defaultHost : s.get(hostKey);
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new ConfigurationException("port " + port + " is already in use (" + key + " on " + host
                    + "): stop what holds it, or choose another port with " + (option == null ? "" : option + " or ")
                    + Settings.envName(key));
        }
    }
}
