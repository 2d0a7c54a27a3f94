package io.modelloop.web.auth;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * First handler of every request on the business server: security headers, who is asking, what
 * their role allows, the CSRF token on state-changing calls, and the user passed on to the Camel
 * routes in {@link #USER_HEADER}/{@link #ROLE_HEADER} (any such header sent by the client is dropped).
 */
public final class WebSecurity implements Handler<RoutingContext> {

    public static final String USER_HEADER = "X-ModelLoop-User";
    public static final String ROLE_HEADER = "X-ModelLoop-Role";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String SESSION_KEY = "modelloop.session";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    // no inline script or style anywhere: pages load their code from /assets, so injected markup cannot run
    static final String CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self';"
            + " object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private final Authenticator auth;
    private final CookieSecurity cookies;
    private final Set<String> trustedProxies;

    public WebSecurity(Authenticator auth, CookieSecurity cookies) {
        this(auth, cookies, Set.of());
    }

    /** @param trustedProxies peer addresses whose X-Forwarded-Host the Origin check believes (modelloop.web.trusted-proxies) */
    public WebSecurity(Authenticator auth, CookieSecurity cookies, Set<String> trustedProxies) {
        this.auth = auth;
        this.cookies = cookies;
        this.trustedProxies = Set.copyOf(trustedProxies);
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        req.headers().remove(USER_HEADER).remove(ROLE_HEADER);
        var headers = ctx.response().headers();
        headers.set("Content-Security-Policy", CSP).set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "same-origin").set("X-Frame-Options", "DENY");
        String path = ctx.normalizedPath();
        if (AccessRules.isApi(path)) {
            headers.set("Cache-Control", "no-store");
        }
        if (AccessRules.isPublic(path)) {
            ctx.next();
            return;
        }
        var locked = auth.lockedOut(req.getHeader("Authorization"));
        if (locked.isPresent()) {
            // not "sign in first": the caller did, and must learn that waiting is the way out
            ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, locked.get().toSeconds())));
            json(ctx, 429, SignInThrottle.message(locked.get()));
            return;
        }
        if (auth.needsPasswordCheck(req.getHeader("Authorization"))) {
            // PBKDF2 takes ~0.1 s on purpose: not on the event loop. The body must wait for the route's
            // body handler, which resumes the request
            req.pause();
            ctx.vertx().executeBlocking(() -> identify(req), false).onComplete(r ->
                    proceed(ctx, r.succeeded() ? r.result() : Optional.empty()));
        } else {
            proceed(ctx, identify(req));
        }
    }

    private Optional<Session> identify(HttpServerRequest req) {
        return auth.authenticate(req::getHeader, name -> {
            Cookie c = req.getCookie(name);
            return c == null ? null : c.getValue();
        });
    }

    private void proceed(RoutingContext ctx, Optional<Session> session) {
        HttpServerRequest req = ctx.request();
        String path = ctx.normalizedPath();
        if (session.isEmpty()) {
            if (AccessRules.isApi(path) || !SAFE.contains(req.method())) {
                json(ctx, 401, "sign in first: the console at /signin, or HTTP basic credentials of a configured user");
            } else {
                String next = req.uri();
                ctx.response().setStatusCode(302)
                        .putHeader("Location", "/signin?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)).end();
            }
            return;
        }
        Session s = session.get();
        if (!AccessRules.allows(s.role(), path)) {
            forbidden(ctx, "the " + s.role().id() + " role cannot open " + path);
            return;
        }
        if (!SAFE.contains(req.method())) {
            if (!sameOrigin(req)) {
                forbidden(ctx, "cross-site request refused (Origin does not match this server)");
                return;
            }
            if (s.needsCsrfToken() && !auth.tokens().csrfMatches(s, req.getHeader(CSRF_HEADER))) {
                forbidden(ctx, "missing or wrong CSRF token: reload the page and try again");
                return;
            }
        }
        if (s.via() == Session.Via.COOKIE && auth.tokens().wantsRenewal(s)) {
            Session renewed = auth.tokens().renew(s);
            ctx.response().addCookie(cookies.session(req, auth.tokens().encode(renewed), auth.tokens().lifetime().toSeconds()));
            s = renewed;
        }
        req.headers().set(USER_HEADER, s.user()).set(ROLE_HEADER, s.role().id());
        ctx.put(SESSION_KEY, s);
        ctx.next();
    }

    private boolean sameOrigin(HttpServerRequest req) {
        String origin = req.getHeader("Origin");
        if (origin == null) {
            // browsers send Origin on every cross-site POST; tools such as curl send none
            return !"cross-site".equals(req.getHeader("Sec-Fetch-Site"));
        }
        try {
            URI o = URI.create(origin);
            String host = req.getHeader("Host");
            // anyone can send X-Forwarded-Host; only a configured proxy's is believed
            String forwarded = fromTrustedProxy(req) ? req.getHeader("X-Forwarded-Host") : null;
            String originHost = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
            return originHost != null && (originHost.equalsIgnoreCase(host) || originHost.equalsIgnoreCase(forwarded));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean fromTrustedProxy(HttpServerRequest req) {
        return !trustedProxies.isEmpty() && req.remoteAddress() != null && trustedProxies.contains(req.remoteAddress().hostAddress());
    }

    private static void forbidden(RoutingContext ctx, String why) {
        if (AccessRules.isApi(ctx.normalizedPath()) || !SAFE.contains(ctx.request().method())) {
            json(ctx, 403, why);
        } else {
            ctx.response().setStatusCode(403).putHeader("Content-Type", "text/html; charset=utf-8")
                    .end(SignInPage.message("Not allowed", "Forbidden: " + why + ".", "/", "Back to your start page"));
        }
    }

    static void json(RoutingContext ctx, int status, String error) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", error).encode());
    }

    /** How cookies are marked: HttpOnly, SameSite=Lax, and Secure when the browser came over HTTPS. */
    public record CookieSecurity(String secureMode) {

        Cookie session(HttpServerRequest req, String value, long maxAgeSeconds) {
            return base(req, Authenticator.SESSION_COOKIE, value, "/").setMaxAge(maxAgeSeconds);
        }

        Cookie base(HttpServerRequest req, String name, String value, String path) {
            boolean secure = switch (secureMode == null ? "auto" : secureMode) {
                case "true" -> true;
                case "false" -> false;
                default -> req.isSSL() || "https".equalsIgnoreCase(req.getHeader("X-Forwarded-Proto"));
            };
            // Lax, not Strict: a link to the console from a notification e-mail should arrive signed in;
            // state changes are guarded by the CSRF token anyway
            return Cookie.cookie(name, value).setPath(path).setHttpOnly(true).setSecure(secure)
                    .setSameSite(CookieSameSite.LAX);
        }
    }
}
