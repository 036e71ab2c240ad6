package io.mailgate.platform.http;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.Service;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.apache.camel.support.LifecycleStrategySupport;

import io.mailgate.platform.Json;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;

/**
 * The first handler of every request. Until every route has started, and from the moment Mailgate
 * stops, every request is answered 503 with a JSON error and Retry-After: the HTTP server listens
 * before Camel has added the REST routes, and a path answered 404 or 405 in that moment is final to
 * clients and SDKs. A path with a "." or ".." segment is answered 404 rather than routed as the path
 * it normalises to, and a request whose body does not arrive within the read timeout gets 408 and its
 * connection closed. The gate is the first handler of the server's router, installed
 * through platform-http-vertx's authentication hook (the one way to add a handler before the server
 * listens); once the context has fully started it passes every request on.
 */
public final class StartupGate extends LifecycleStrategySupport implements ExtendedStartupListener {

    private static final String RETRY_AFTER_SECONDS = "2";
    /** A "." or ".." path segment, also percent-encoded: Vert.x would route the normalised path. */
    private static final java.util.regex.Pattern DOT_SEGMENT = java.util.regex.Pattern.compile(
            "(^|/)(\\.|%2[eE]){1,2}(/|$)");

    private final Json json;
    private final String starting;
    private final String stopping;
    private final long readTimeoutMillis;
    private final io.mailgate.platform.MemoryBudget budget;
    private final int maxPublicBodyBytes;
    private final long maxBodyBytes;
    private volatile boolean open;
    private volatile boolean stopped;

    /**
     * @param readTimeoutMillis  how long a request's body may take to arrive; then 408 and the connection is closed
     * @param budget             memory for large bodies: a request that finds it spent gets 503
     * @param maxPublicBodyBytes the largest body of an endpoint anyone may call
     */
    public StartupGate(Json json, long readTimeoutMillis, io.mailgate.platform.MemoryBudget budget, int maxPublicBodyBytes,
                       long maxBodyBytes) {
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
        this.budget = budget;
        this.maxPublicBodyBytes = maxPublicBodyBytes;
        this.readTimeoutMillis = readTimeoutMillis;
        this.starting = unavailable(json, "Mailgate is starting");
        this.stopping = unavailable(json, "Mailgate is stopping");
    }

    private static String unavailable(Json json, String what) {
        return json.write(Map.of("code", ErrorCode.SERVICE_UNAVAILABLE.code(),
                "name", ErrorCode.SERVICE_UNAVAILABLE.exceptionName(),
                "message", what + "; try again in a moment", "detail", what));
    }

    /** Installs the gate on the HTTP server, whether camel-main made it already or makes it later. */
    public void install(CamelContext context) throws Exception {
        MainHttpServer server = context.hasService(MainHttpServer.class);
        if (server != null) {
            gate(server);
        }
        context.addLifecycleStrategy(this);
        context.addStartupListener(this);
    }

    /** From the moment Camel begins to stop, requests are answered 503 (with a body) instead of reaching stopping routes. */
    @Override
    public void onContextStopping(CamelContext context) {
        stopped = true;
        open = false;
    }

    @Override
    public void onServiceAdd(CamelContext context, Service service, org.apache.camel.Route route) {
        if (service instanceof MainHttpServer server) {
            gate(server);
        }
    }

    private void gate(MainHttpServer server) {
        AuthenticationConfig authentication = server.getConfiguration().getAuthenticationConfig();
        if (authentication.getEntries().stream().anyMatch(entry -> entry.getAuthenticationHandlerFactory() instanceof Factory)) {
            return;
        }
        AuthenticationConfig.AuthenticationConfigEntry entry = new AuthenticationConfig.AuthenticationConfigEntry();
        entry.setPath("/*");
        entry.setAuthenticationProviderFactory((Vertx vertx) -> null);
        entry.setAuthenticationHandlerFactory(new Factory());
        authentication.getEntries().add(entry);
        authentication.setEnabled(true);
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        open = true;
    }

    private void handle(RoutingContext routing) {
        if (!open) {
            routing.response().setStatusCode(503).putHeader("Content-Type", "application/json")
                    .putHeader("Retry-After", RETRY_AFTER_SECONDS).end(stopped ? stopping : starting);
            return;
        }
        String path = routing.request().path();
        if (path != null && DOT_SEGMENT.matcher(path).find()) {
            // DELETE …/dataset/.. must not become a DELETE of the connection itself.
            routing.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                    .end(UnknownPaths.notFound(json, path));
            return;
        }
        long length = contentLength(routing);
        if (length > maxBodyBytes) {
            refuse(routing, 413, ErrorCode.PAYLOAD_TOO_LARGE, "The body is larger than " + maxBodyBytes + " bytes",
                    "Request Entity Too Large");
            return;
        }
        if (length > maxPublicBodyBytes && isPublic(path)) {
            refuse(routing, 413, ErrorCode.PAYLOAD_TOO_LARGE, "The body is larger than " + maxPublicBodyBytes + " bytes",
                    "Request Entity Too Large");
            return;
        }
        io.mailgate.platform.MemoryBudget.Reservation reservation = budget.tryReserve(length);
        if (reservation == null) {
            routing.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
            refuse(routing, 503, ErrorCode.SERVICE_UNAVAILABLE, "Mailgate is busy with large requests; try again shortly",
                    "Busy with large requests");
            return;
        }
        routing.addEndHandler(done -> reservation.release());
        if (!routing.request().isEnded()) {
            long timer = routing.vertx().setTimer(readTimeoutMillis, id -> {
                if (!routing.request().isEnded()) {
                    if (!routing.response().headWritten()) {
                        routing.response().setStatusCode(408).putHeader("Content-Type", "application/json")
                                .putHeader("Connection", "close").end(json.write(Map.of("code", ErrorCode.BODY_FORMAT.code(),
                                        "name", ErrorCode.BODY_FORMAT.exceptionName(),
                                        "message", "The request body did not arrive in time", "detail", "Request Timeout")));
                    }
                    routing.request().connection().close();
                }
            });
            routing.addEndHandler(done -> routing.vertx().cancelTimer(timer));
        }
        routing.next();
    }

    /** The endpoints anyone may call (no token): small bodies only. */
    private static boolean isPublic(String path) {
        return path.equals("/api/v1/oauth/token") || path.equals("/auth/v2/oauth2/tokens") || path.equals("/api/v1/login")
                || path.startsWith("/api/v1/privacy-request") && !path.contains("/administrate")
                || path.startsWith("/api/v1/events/") || path.startsWith("/api/v1/unsubscribe/");
    }

    private static long contentLength(RoutingContext routing) {
        String header = routing.request().getHeader("Content-Length");
        try {
            return header == null ? 0 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void refuse(RoutingContext routing, int status, ErrorCode code, String message, String detail) {
        routing.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                .end(json.write(Map.of("code", code.code(), "name", code.exceptionName(), "message", message, "detail", detail)));
    }

    /** Makes the gate's handler; an authentication handler in name only, it never authenticates. */
    private final class Factory implements AuthenticationConfig.AuthenticationHandlerFactory {
        @Override
        public <T extends AuthenticationProvider> AuthenticationHandler createAuthenticationHandler(T provider) {
            return StartupGate.this::handle;
        }
    }
}
