package io.mailgate.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A webhook endpoint as an application runs one: it checks every request's Standard Webhooks signature
 * (webhook-id, webhook-timestamp within five minutes, webhook-signature v1 = HMAC-SHA256 with the
 * endpoint's secret) and keeps what it was sent. Per path, it can fail a number of times first, or hang.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as received, and whether its signature held. */
    public record Received(String path, String id, long timestamp, String body, boolean verified) {
    }

    private final HttpServer server;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
    private final Map<String, Long> hangMillis = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public static WebhookReceiver start() {
        try {
            return new WebhookReceiver();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The secret the endpoint at this path was given, to check its requests with. */
    public void secret(String path, String secret) {
        secrets.put(path, secret);
    }

    /** The next {@code times} requests to this path are answered 500. */
    public void fail(String path, int times) {
        failuresLeft.put(path, new AtomicInteger(times));
    }

    /** Requests to this path are answered only after this long. */
    public void hang(String path, long millis) {
        hangMillis.put(path, millis);
    }

    public List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String text = new String(body, StandardCharsets.UTF_8);
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
        String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
        boolean verified = verify(secrets.get(path), id, timestamp, signature, text);
        received.add(new Received(path, id, timestamp == null ? 0 : Long.parseLong(timestamp), text, verified));
        Long hang = hangMillis.get(path);
        if (hang != null) {
            try {
                Thread.sleep(hang);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        AtomicInteger failures = failuresLeft.get(path);
        int status = !verified ? 401 : failures != null && failures.getAndDecrement() > 0 ? 500 : 204;
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** The check a Standard Webhooks library makes. */
    static boolean verify(String secret, String id, String timestamp, String signature, String body) {
        if (secret == null || id == null || timestamp == null || signature == null) {
            return false;
        }
        long age = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp));
        if (age > 300) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal((id + "." + timestamp + "." + body)
                    .getBytes(StandardCharsets.UTF_8)));
            for (String candidate : signature.split(" ")) {
                if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), candidate.getBytes(StandardCharsets.US_ASCII))) {
                    return true;
                }
            }
            return false;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
