package io.modelloop.parameters;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Pattern;

/** How a parameter's string value is checked; {@link #description()} is what operators are told. */
public enum ParameterRule {
    BOOLEAN("must be true or false"),
    WHOLE_NUMBER_AT_LEAST_1("must be a whole number of at least 1, digits only (no sign, separator or decimals)"),
    FRACTION_0_TO_1("must be a number from 0 to 1 (for example 0.8)"),
    PERCENT_0_TO_100("must be a number from 0 to 100 (for example 70)");

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?|\\.[0-9]+");

    private final String description;

    ParameterRule(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Whether a raw value passes; surrounding blanks are ignored. */
    public boolean accepts(String raw) {
        if (raw == null) {
            return false;
        }
        String v = raw.trim();
        return switch (this) {
            case BOOLEAN -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false");
            case WHOLE_NUMBER_AT_LEAST_1 -> DIGITS.matcher(v).matches() && v.length() <= 9 && Integer.parseInt(v) >= 1;
            case FRACTION_0_TO_1 -> inRange(v, BigDecimal.ONE);
            case PERCENT_0_TO_100 -> inRange(v, BigDecimal.valueOf(100));
        };
    }

    /** The stored form of an accepted value (booleans in lower case, blanks trimmed). */
    public String canonical(String raw) {
        String v = raw.trim();
        return this == BOOLEAN ? v.toLowerCase(Locale.ROOT) : v;
    }

    private static boolean inRange(String v, BigDecimal max) {
        if (!DECIMAL.matcher(v).matches() || v.length() > 20) {
            return false;
        }
        BigDecimal d = new BigDecimal(v);
        return d.signum() >= 0 && d.compareTo(max) <= 0;
    }
}
