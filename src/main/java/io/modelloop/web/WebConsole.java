package io.modelloop.web;

import io.modelloop.web.auth.Authenticator;
import io.modelloop.web.auth.SignInHandlers;
import io.modelloop.web.auth.WebSecurity;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Puts the console on the business HTTP server: the security handler in front of every route
 * (the Camel API routes included), sign-in, and the pages and assets packaged under web/. Added
 * as a Camel service so that it is in place before any route consumer takes requests.
 */
public final class WebConsole extends ServiceSupport implements CamelContextAware {

    // before every route the Camel consumers add, which get orders from 0 up
    private static final int FIRST = -1000;

    private final Authenticator auth;
    private final WebSecurity.CookieSecurity cookies;
    private final java.util.Set<String> trustedProxies;
    private CamelContext camel;

    public WebConsole(Authenticator auth, String secureCookies) {
        this(auth, secureCookies, java.util.Set.of());
    }

    /** @param trustedProxies addresses of reverse proxies whose X-Forwarded-Host is believed */
    public WebConsole(Authenticator auth, String secureCookies, java.util.Set<String> trustedProxies) {
        this.auth = auth;
        this.cookies = new WebSecurity.CookieSecurity(secureCookies);
        this.trustedProxies = java.util.Set.copyOf(trustedProxies);
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camel = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camel;
    }

    @Override
    protected void doStart() {
        MainHttpServer server = camel.hasService(MainHttpServer.class);
        VertxPlatformHttpRouter platform = server == null ? null : server.getRouter();
        if (platform == null) {
            throw new IllegalStateException("The business HTTP server is not running: the web console cannot be installed");
        }
        Router router = platform;
        SignInHandlers signIn = new SignInHandlers(auth, cookies, auth.throttle());
        int order = FIRST;
        router.route().order(order++).handler(new WebSecurity(auth, cookies, trustedProxies));
        router.get("/signin").order(order++).handler(signIn::page);
        router.post("/signin").order(order++).handler(BodyHandler.create(false).setBodyLimit(16 * 1024)).handler(signIn::submit);
        router.post("/signout").order(order++).handler(signIn::signOut);
        router.get("/api/session").order(order++).handler(signIn::session);
        router.get("/").order(order++).handler(signIn::home);
        for (String page : new String[] {"/console", "/review"}) {
            // Vert.x matches "/console" and "/console/" alike: only the bare one is redirected
            router.route(HttpMethod.GET, page).order(order++).handler(ctx -> {
                if (ctx.normalizedPath().equals(page)) {
                    ctx.response().setStatusCode(301).putHeader("Location", page + "/").end();
                } else {
                    ctx.next();
                }
            });
        }
        // a route ending in * hands StaticHandler the path after its prefix, so each folder gets its own root
        for (String folder : new String[] {"console", "review"}) {
            router.route(HttpMethod.GET, "/" + folder + "/*").order(order++).handler(StaticHandler.create("web/" + folder)
                    .setCachingEnabled(false).setDirectoryListing(false).setIncludeHidden(false));
        }
        router.route(HttpMethod.GET, "/assets/*").order(order).handler(StaticHandler.create("web/assets")
                .setMaxAgeSeconds(300).setDirectoryListing(false).setIncludeHidden(false));
    }

    @Override
    protected void doStop() {
        // the routes go with the HTTP server
    }
}
