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
 * Until every route has started, every request is answered 503 with a JSON error and Retry-After: the
 * HTTP server listens before Camel has added the REST routes, and a path answered 404 or 405 in that
 * moment is final to clients and SDKs. The gate is the first handler of the server's router, installed
 * through platform-http-vertx's authentication hook (the one way to add a handler before the server
 * listens); once the context has fully started it passes every request on.
 */
public final class StartupGate extends LifecycleStrategySupport implements ExtendedStartupListener {

    private static final String RETRY_AFTER_SECONDS = "2";

    private final String body;
    private volatile boolean open;

    public StartupGate(Json json) {
        this.body = json.write(Map.of("code", ErrorCode.SERVICE_UNAVAILABLE.code(),
                "name", ErrorCode.SERVICE_UNAVAILABLE.exceptionName(),
                "message", "Mailgate is starting; try again in a moment", "detail", "Mailgate is starting"));
    }

    /** Installs the gate on the HTTP server, whether camel-main made it already or makes it later. */
    public void install(CamelContext context) throws Exception {
        MainHttpServer server = context.hasService(MainHttpServer.class);
        if (server != null) {
            gate(server);
        } else {
            context.addLifecycleStrategy(this);
        }
        context.addStartupListener(this);
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
        if (open) {
            routing.next();
            return;
        }
        routing.response().setStatusCode(503).putHeader("Content-Type", "application/json")
                .putHeader("Retry-After", RETRY_AFTER_SECONDS).end(body);
    }

    /** Makes the gate's handler; an authentication handler in name only, it never authenticates. */
    private final class Factory implements AuthenticationConfig.AuthenticationHandlerFactory {
        @Override
        public <T extends AuthenticationProvider> AuthenticationHandler createAuthenticationHandler(T provider) {
            return StartupGate.this::handle;
        }
    }
}
