package io.mailgate.platform.http;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

import io.mailgate.platform.Json;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * A path no route serves, or a method a path does not take, is answered in JSON in the dialect of its
 * API family (Vert.x would answer an HTML page): {@code {"detail":"Not Found"}} under {@code /api/v1},
 * {@code {"code":16,"name":"RESOURCE_UNKNOWN_EXCEPTION",…}} everywhere else.
 */
public final class UnknownPaths implements ExtendedStartupListener {

    private static final String FIDESOPS = "/api/v1";

    private final Json json;

    public UnknownPaths(Json json) {
        this.json = json;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context);
        if (router != null) {
            router.errorHandler(404, answer(404, "Not Found"));
            router.errorHandler(405, answer(405, "Method Not Allowed"));
        }
    }

    private Handler<RoutingContext> answer(int status, String reason) {
        return routing -> {
            if (routing.response().headWritten()) {
                return;
            }
            String path = routing.request().path();
            boolean fidesops = path != null && (path.equals(FIDESOPS) || path.startsWith(FIDESOPS + "/"));
            String body = json.write(fidesops ? Map.of("detail", reason)
                    : Map.of("code", ErrorCode.RESOURCE_UNKNOWN.code(), "name", ErrorCode.RESOURCE_UNKNOWN.exceptionName(),
                            "message", status == 404 ? "No resource at this path" : "This path does not take the method "
                                    + routing.request().method()));
            routing.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
        };
    }
}
