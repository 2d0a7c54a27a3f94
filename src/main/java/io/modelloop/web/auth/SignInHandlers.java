package io.modelloop.web.auth;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** GET/POST /signin, POST /signout, GET /api/session and the start page redirect. */
public final class SignInHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(SignInHandlers.class);
    static final String PRE_COOKIE = "ml_signin";

    private final Authenticator auth;
    private final WebSecurity.CookieSecurity cookies;
    private final SignInThrottle throttle;

    public SignInHandlers(Authenticator auth, WebSecurity.CookieSecurity cookies, SignInThrottle throttle) {
        this.auth = auth;
        this.cookies = cookies;
        this.throttle = throttle;
    }

    public void page(RoutingContext ctx) {
        String next = safeNext(ctx.request().getParam("next"));
        showForm(ctx, 200, next, "", null);
    }

    /** Runs after a BodyHandler; the password check runs off the event loop (PBKDF2 is slow on purpose). */
    public void submit(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String user = value(req.getFormAttribute("user"));
        String password = value(req.getFormAttribute("password"));
        String next = safeNext(req.getFormAttribute("next"));
        Cookie pre = req.getCookie(PRE_COOKIE);
        String csrf = req.getFormAttribute("_csrf");
        if (pre == null || csrf == null || !auth.tokens().preSessionToken(pre.getValue()).equals(csrf)) {
            showForm(ctx, 403, next, user, "The sign-in form expired or was not sent from this page; please try again.");
            return;
        }
        var locked = throttle.lockedFor(user);
        if (locked.isPresent()) {
            LOG.warn("Sign-in for '{}' refused: too many failed attempts", user);
            String m = SignInThrottle.message(locked.get());
            ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, locked.get().toSeconds())));
            showForm(ctx, 429, next, user, Character.toUpperCase(m.charAt(0)) + m.substring(1) + ".");
            return;
        }
        ctx.vertx().<Optional<User>>executeBlocking(() -> auth.verifyPassword(user, password.toCharArray()), false)
                .onComplete(result -> {
                    Optional<User> u = result.succeeded() ? result.result() : Optional.empty();
                    if (u.isEmpty()) {
                        throttle.failed(user);
                        LOG.info("Failed sign-in for '{}' from {}", user, req.remoteAddress());
                        showForm(ctx, 401, next, user, "Wrong user name or password.");
                        return;
                    }
                    throttle.succeeded(user);
                    Session s = auth.tokens().issue(u.get());
                    LOG.info("{} signed in ({})", s.user(), s.role().id());
                    ctx.response().addCookie(cookies.session(req, auth.tokens().encode(s), auth.tokens().lifetime().toSeconds()))
                            .addCookie(cookies.base(req, PRE_COOKIE, "", "/signin").setMaxAge(0))
                            .setStatusCode(303).putHeader("Location", next == null ? home(s.role()) : next).end();
                });
    }

    /** Ends the user's sessions everywhere, not just this browser's cookie: a copied cookie stops working too. */
    public void signOut(RoutingContext ctx) {
        Session s = ctx.get(WebSecurity.SESSION_KEY);
        ctx.vertx().executeBlocking(() -> {
            if (s != null && s.via() == Session.Via.COOKIE) {
                auth.endSessions(s.user());
            }
            return null;
        }, false).onComplete(r -> {
            if (r.failed()) {
                LOG.warn("Ending the sessions of {} failed: {}", s.user(), r.cause().getMessage());
            } else if (s != null) {
                LOG.info("{} signed out", s.user());
            }
            ctx.response().addCookie(cookies.session(ctx.request(), "", 0)).setStatusCode(303)
                    .putHeader("Location", "/signin").end();
        });
    }

    /** Who is signed in, and the CSRF token the pages send back on every state-changing call. */
    public void session(RoutingContext ctx) {
        Session s = ctx.get(WebSecurity.SESSION_KEY);
        ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                .put("user", s.user()).put("role", s.role().id())
                .put("csrf", s.needsCsrfToken() ? auth.tokens().csrfToken(s) : null)
                .put("expiresAt", s.expiresAt().toString()).encode());
    }

    public void home(RoutingContext ctx) {
        Session s = ctx.get(WebSecurity.SESSION_KEY);
        ctx.response().setStatusCode(302).putHeader("Location", home(s.role())).end();
    }

    private void showForm(RoutingContext ctx, int status, String next, String user, String error) {
        String preValue = SessionTokens.randomValue();
        ctx.response().addCookie(cookies.base(ctx.request(), PRE_COOKIE, preValue, "/signin").setMaxAge(3600))
                .setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(SignInPage.form(auth.tokens().preSessionToken(preValue), next == null ? "" : next, user, error));
    }

    static String home(Role role) {
        return role == Role.OPERATOR ? "/console/" : "/review/";
    }

    /** Only a path on this server: no scheme, no "//host", no backslash tricks. */
    static String safeNext(String next) {
        if (next == null || next.isBlank() || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")
                || next.length() > 2000 || next.chars().anyMatch(c -> c < 0x20)) {
            return null;
        }
        return next.startsWith("/signin") ? null : next;
    }

    private static String value(String s) {
        return s == null ? "" : s.strip();
    }
}
