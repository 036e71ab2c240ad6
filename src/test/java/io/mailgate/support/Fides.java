package io.mailgate.support;

import java.net.http.HttpRequest;

/** fidesops calls as its clients make them: JSON bodies with PATCH, PUT and POST, a bearer token. */
public final class Fides {

    private final Api api;
    private final String token;

    public Fides(Api api, String token) {
        this.api = api;
        this.token = token;
    }

    public Api api() {
        return api;
    }

    public String token() {
        return token;
    }

    /** The same calls with another token (null for none). */
    public Fides as(String otherToken) {
        return new Fides(api, otherToken);
    }

    public Api.Response get(String path) {
        return api.get(path, token);
    }

    public Api.Response delete(String path) {
        return api.delete(path, token);
    }

    public Api.Response patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    public Api.Response put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Api.Response post(String path, Object body) {
        return send("POST", path, body);
    }

    private Api.Response send(String method, String path, Object body) {
        HttpRequest.Builder request = api.request(path, token);
        if (body == null) {
            return api.send(request.method(method, HttpRequest.BodyPublishers.noBody()));
        }
        String text = body instanceof String raw ? raw : Api.write(body);
        return api.send(request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(text)));
    }
}
