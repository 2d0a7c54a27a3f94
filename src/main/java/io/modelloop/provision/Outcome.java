package io.modelloop.provision;

/** What bootstrap or teardown did to one resource, with an optional note for the operator. */
public record Outcome(String status, String note) {

    public static final String CREATED = "created";
    public static final String EXISTS = "exists";
    public static final String UPDATED = "updated";
    public static final String DELETED = "deleted";
    public static final String NOT_FOUND = "not found";
    public static final String KEPT = "kept";

    public static Outcome created() {
        return new Outcome(CREATED, "");
    }

    public static Outcome exists() {
        return new Outcome(EXISTS, "");
    }

    public static Outcome updated() {
        return new Outcome(UPDATED, "");
    }

    public static Outcome deleted() {
        return new Outcome(DELETED, "");
    }

    public static Outcome notFound() {
        return new Outcome(NOT_FOUND, "");
    }

    public static Outcome kept(String why) {
        return new Outcome(KEPT, why);
    }

    public Outcome note(String text) {
        return new Outcome(status, text);
    }

    /** One output line: status first so that scripts can cut it. */
    public String line(String resource) {
        return String.format("%-9s %s%s", status, resource, note.isEmpty() ? "" : "  (" + note + ")");
    }
}
