package io.modelloop.web.auth;

/**
 * Which paths need no sign-in, and which a reviewer may reach; operators reach everything. Paths
 * are matched after Vert.x normalised them (no "..", no doubled slashes).
 */
public final class AccessRules {

    private AccessRules() {
    }

    public static boolean isPublic(String path) {
        return path.equals("/signin") || path.startsWith("/assets/") || path.equals("/favicon.ico");
    }

    public static boolean allows(Role role, String path) {
        if (role == Role.OPERATOR) {
            return true;
        }
        return path.equals("/") || path.equals("/signout") || path.equals("/api/session")
                || path.equals("/review") || path.startsWith("/review/")
                || path.equals("/api/reviews") || path.startsWith("/api/reviews/");
    }

    public static boolean isApi(String path) {
        return path.equals("/api") || path.startsWith("/api/");
    }
}
