package io.mailgate.platform.http;

import java.util.Map;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

import io.mailgate.platform.Json;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;

/**
 * A path no route serves, or a method a path does not take, is answered in JSON in the dialect of its
 * API family (Vert.x would answer an HTML page): {@code {"detail":"Not Found"}} under {@code /api/v1},
 * {@code {"code":16,"name":"RESOURCE_UNKNOWN_EXCEPTION",…}} everywhere else.
 */
public final class UnknownPaths implements ExtendedStartupListener {

    private static final String FIDESOPS = "/api/v1";

    private final Json json;
    private final int port;

    /** @param port the HTTP port: Camel names its router after it */
    public UnknownPaths(Json json, int port) {
        this.json = json;
        this.port = port;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
    }

    /**
     * Camel's router is a sub-router, whose misses fall back to the main router's HTML page: a last
     * route catches them, and answers 405 when another route serves the path with another method.
     */
    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router != null) {
            router.route().last().handler(routing -> answer(routing, servedWithAnotherMethod(router, routing) ? 405 : 404));
        }
    }

    /** The 404 body of a path, in the dialect of its API family. */
    static String notFound(Json json, String path) {
        boolean fidesops = path != null && (path.equals(FIDESOPS) || path.startsWith(FIDESOPS + "/"));
        return json.write(fidesops ? Map.of("detail", "Not Found") : Map.of("code", ErrorCode.RESOURCE_UNKNOWN.code(),
                "name", ErrorCode.RESOURCE_UNKNOWN.exceptionName(), "message", "No resource at this path"));
    }

    private void answer(RoutingContext routing, int status) {
        if (routing.response().headWritten()) {
            return;
        }
        String path = routing.request().path();
        boolean fidesops = path != null && (path.equals(FIDESOPS) || path.startsWith(FIDESOPS + "/"));
        String body = json.write(fidesops ? Map.of("detail", status == 404 ? "Not Found" : "Method Not Allowed")
                : Map.of("code", ErrorCode.RESOURCE_UNKNOWN.code(), "name", ErrorCode.RESOURCE_UNKNOWN.exceptionName(),
                        "message", status == 404 ? "No resource at this path" : "This path does not take the method "
                                + routing.request().method()));
        routing.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    private static boolean servedWithAnotherMethod(VertxPlatformHttpRouter router, RoutingContext routing) {
        String path = routing.request().path();
        for (Route route : router.getRoutes()) {
            String template = route.getPath();
            if (template != null && route.methods() != null && !route.methods().contains(routing.request().method())
                    && pattern(template).matcher(path).matches()) {
                return true;
            }
        }
        return false;
    }

    /** A Vert.x path ("/mail/v1/:id", "/static/*") as a regular expression. */
    private static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        for (String part : template.split("(?=/)")) {
            if (part.startsWith("/:")) {
                regex.append("/[^/]+");
            } else if (part.endsWith("*")) {
                regex.append(Pattern.quote(part.substring(0, part.length() - 1))).append(".*");
            } else {
                regex.append(Pattern.quote(part));
            }
        }
        return Pattern.compile(regex + "/?");
    }
}
