package io.modelloop.cli;

import io.modelloop.config.Settings;
import io.modelloop.provision.AccessRefusedException;
import java.io.PrintWriter;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/** What bootstrap, teardown and iam-policy share: quiet logging, extra settings, the access-denied report. */
final class AwsCommands {

    /** Exit code when AWS refused a call for lack of permission. */
    static final int ACCESS_DENIED = 3;

    private AwsCommands() {
    }

    static Settings settings(GlobalOptions options, Map<String, String> extra) {
        // the commands print one line per resource; library chatter would bury them
        Configurator.setLevel("io.modelloop", Level.WARN);
        Configurator.setLevel("software.amazon.awssdk", Level.WARN);
        Settings s = options.settings();
        for (Map.Entry<String, String> e : extra.entrySet()) {
            if (e.getValue() != null) {
                s = s.with(e.getKey(), e.getValue());
            }
        }
        return s;
    }

    static int refused(AccessRefusedException e, String command, PrintWriter err) {
        err.println("modelloop " + command + ": " + e.getMessage());
        err.println("The AWS identity in use may not call " + e.action() + " on " + e.resource() + ". Grant the policy printed by"
                + " `modelloop iam-policy --bootstrap` (same --profile/--config) and run " + command + " again.");
        return ACCESS_DENIED;
    }
}
