package io.modelloop.provision;

/** AWS answered access denied: names the IAM action and the resource so the operator can grant exactly that. */
public final class AccessRefusedException extends RuntimeException {

    private final String action;
    private final String resource;

    public AccessRefusedException(String action, String resource, String awsMessage, Throwable cause) {
        super("AWS refused " + action + " on " + resource + (awsMessage == null || awsMessage.isBlank() ? "" : ": " + awsMessage), cause);
        this.action = action;
        this.resource = resource;
    }

    public String action() {
        return action;
    }

    public String resource() {
        return resource;
    }
}
