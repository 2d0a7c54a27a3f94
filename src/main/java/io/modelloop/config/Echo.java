package io.modelloop.config;

/**
 * A value a caller sent, as an error reply shows it back: once, on one line, and cut to 64
 * characters, so that a megabyte of input does not come back as a megabyte (or twice).
 */
public final class Echo {

    public static final int MAX = 64;

    private Echo() {
    }

    public static String of(String value) {
        if (value == null) {
            return "";
        }
        String line = value.codePoints().map(c -> Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return line.length() > MAX ? line.substring(0, MAX) + "..." : line;
    }
}
