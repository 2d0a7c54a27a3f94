package io.modelloop.training;

import io.modelloop.config.ConfigurationException;
import io.modelloop.model.ChallengerComparison;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The deployment gate (SPEC 4.4 step 5). A trained candidate is deployed only if (a) its F1 is
 * at least Minimum-F1-Score and, when a version serves, (b) its macro F1 on the labels both
 * know is at least the serving version's minus the tolerance, and its own F1 on the labels it
 * adds is at least Minimum-F1-Score. The decision names the rule that decided and its numbers.
 */
public final class ChallengerGate {

    /** Which rule decided. */
    public enum Rule {
        /** (a) the candidate's F1 against Minimum-F1-Score (alone when nothing serves). */
        MINIMUM_F1("minimum-f1"),
        /** (b) the candidate against the serving version on the shared labels. */
        CHALLENGER("challenger"),
        /** the candidate's F1 on the labels it adds, against Minimum-F1-Score. */
        NEW_LABEL_F1("new-label-f1");

        private final String id;

        Rule(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /**
     * @param deploy  whether the candidate may be deployed
     * @param rule    the rule that refused it, or the last rule it passed
     * @param reason  the decision in one sentence, with the numbers
     * @param numbers the numbers, for the run record and the notification
     */
    public record Decision(boolean deploy, Rule rule, String reason, Map<String, Object> numbers) {
    }

    private final double minimumF1;
    private final double tolerance;

    public ChallengerGate(double minimumF1, double tolerance) {
        if (!(tolerance >= 0 && tolerance <= 1)) {
            throw new IllegalArgumentException("the challenger tolerance is an F1 difference from 0 to 1, not " + tolerance);
        }
        this.minimumF1 = minimumF1;
        this.tolerance = tolerance;
    }

    public double minimum() {
        return minimumF1;
    }

    /** modelloop.training.challenger-tolerance: an F1 difference from 0 to 1. */
    public static double tolerance(String configured) {
        try {
            double t = Double.parseDouble(configured.trim());
            if (t >= 0 && t <= 1) {
                return t;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ConfigurationException("modelloop.training.challenger-tolerance is an F1 difference from 0 to 1"
                + " (e.g. 0.02), not '" + configured + "'");
    }

    /** Rule (a) alone: what decides when no version serves, and what is checked first otherwise. */
    public Decision minimumF1(double f1) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("f1", f1);
        n.put("minimum", minimumF1);
        if (f1 < minimumF1) {
            return new Decision(false, Rule.MINIMUM_F1, "F1 " + round(f1) + " is below Minimum-F1-Score " + minimumF1, n);
        }
        return new Decision(true, Rule.MINIMUM_F1, "F1 " + round(f1) + " is at least Minimum-F1-Score " + minimumF1, n);
    }

    /** Rule (b) and the new labels' F1, given a version serves and the comparison with it. */
    public Decision challenger(ChallengerComparison c) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("serving", c.servingId());
        n.put("candidateSharedF1", c.candidateSharedF1());
        n.put("servingSharedF1", c.servingSharedF1());
        n.put("tolerance", tolerance);
        n.put("sharedLabels", c.sharedLabels());
        n.put("newLabels", c.newLabels());
        n.put("candidateNewLabelsF1", c.candidateNewLabelsF1());
        n.put("minimum", minimumF1);
        n.put("images", c.images());
        n.put("sameImages", c.sameImages());
        n.put("method", c.method());
        n.values().removeIf(java.util.Objects::isNull); // notifications carry no null values
        String shared;
        if (c.candidateSharedF1() == null || c.servingSharedF1() == null) {
            shared = "no shared-label F1 to compare (" + c.method() + ")";
        } else {
            double floor = c.servingSharedF1() - tolerance;
            shared = "shared-label F1 " + round(c.candidateSharedF1()) + " vs serving " + round(c.servingSharedF1())
                    + " (tolerance " + tolerance + ")";
            if (c.candidateSharedF1() < floor - 1e-9) {
                return new Decision(false, Rule.CHALLENGER, "shared-label F1 " + round(c.candidateSharedF1())
                        + " is below the serving version's " + round(c.servingSharedF1()) + " minus tolerance " + tolerance
                        + " on " + describe(c), n);
            }
        }
        if (c.candidateNewLabelsF1() != null) {
            if (c.candidateNewLabelsF1() < minimumF1) {
                return new Decision(false, Rule.NEW_LABEL_F1, "F1 " + round(c.candidateNewLabelsF1()) + " on the new label(s) "
                        + String.join(", ", c.newLabels()) + " is below Minimum-F1-Score " + minimumF1 + "; " + shared, n);
            }
            return new Decision(true, Rule.NEW_LABEL_F1, shared + "; F1 " + round(c.candidateNewLabelsF1())
                    + " on the new label(s) " + String.join(", ", c.newLabels()), n);
        }
        return new Decision(true, Rule.CHALLENGER, shared, n);
    }

    private static String describe(ChallengerComparison c) {
        return c.sameImages() ? c.images() + " held-out image(s) of " + c.sharedLabels().size() + " shared label(s)"
                : c.sharedLabels().isEmpty() ? "each version's own test split"
                : c.sharedLabels().size() + " shared label(s), each version on its own test split";
    }

    static String round(double f1) {
        return String.format(Locale.ROOT, "%.3f", f1);
    }
}
