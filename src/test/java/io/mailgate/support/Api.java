package io.mailgate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Talks to a Mailgate over HTTP the way its clients do. */
public final class Api {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String ROOT_ID = "mailgate";
    public static final String ROOT_SECRET = "mailgate-dev-secret";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    public Api(String base) {
        this.base = base;
    }

    public String base() {
        return base;
    }

    public Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    public Response postJson(String path, String token, String body) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response postJson(String path, String token, Object body) {
        return postJson(path, token, write(body));
    }

    public Response postForm(String path, Map<String, String> fields, String... headers) {
        List<String> pairs = new ArrayList<>();
        fields.forEach((k, v) -> pairs.add(encode(k) + "=" + encode(v)));
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("&", pairs)));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return send(builder);
    }

    /** Any request: for hostile headers and bodies. */
    public Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<byte[]> response = CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8),
                    response.body(), response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    /** A token of the development root client, which holds every scope. */
    public String rootToken() {
        return token(ROOT_ID, ROOT_SECRET);
    }

    public String token(String clientId, String secret) {
        Response response = postForm("/api/v1/oauth/token", Map.of("client_id", clientId, "client_secret", secret));
        if (response.status() != 200) {
            throw new AssertionError("Token request failed: " + response);
        }
        return response.json().get("access_token").asText();
    }

    /** A token of a new client that holds exactly these scopes. */
    public String tokenWithScopes(String... scopes) {
        Response created = postJson("/api/v1/oauth/client", rootToken(), List.of(scopes));
        if (created.status() != 200) {
            throw new AssertionError("Client creation failed: " + created);
        }
        return token(created.json().get("client_id").asText(), created.json().get("client_secret").asText());
    }

    /** An API user with these scopes, made by the root client through the fidesops user API; answers its id. */
    public String createUser(String username, String password, java.util.Collection<String> scopes) {
        String root = rootToken();
        Response created = postJson("/api/v1/user", root, Map.of("username", username,
                "password", java.util.Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8))));
        if (created.status() != 201) {
            throw new IllegalStateException("the user was not created: " + created.body());
        }
        String id = created.json().get("id").asText();
        Response permissions = postJson("/api/v1/user/" + id + "/permission", root, Map.of("scopes", List.copyOf(scopes)));
        if (permissions.status() != 201) {
            throw new IllegalStateException("the user's scopes were not set: " + permissions.body());
        }
        return id;
    }

    public static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("not JSON: " + text, e);
        }
    }

    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    public record Response(int status, String body, byte[] bytes, Map<String, List<String>> headers) {

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
