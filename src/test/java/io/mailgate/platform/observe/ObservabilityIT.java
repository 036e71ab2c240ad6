package io.mailgate.platform.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.h2.tools.Server;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.Waiter;

/** /observe/metrics, /observe/health/ready and /api/openapi.json on a real Mailgate. */
class ObservabilityIT {

    @Test
    void metricsMoveWhenAMailIsSentAndWhenOneFails() {
        try (MailgateInstance mailgate = MailgateInstance.start(Map.of("mailgate.delivery.max-age", "1s"))) {
            Api api = mailgate.api();
            String token = api.rootToken();
            double sent = metric(api, "mailgate_mails_sent_total{provider=\"outbox\"}");
            double accepted = metric(api, "mailgate_mails_accepted_total");
            assertEquals(200, api.postJson("/mail/v1/", token, mail("Counted")).status());
            Waiter.until(Duration.ofSeconds(20), "the sent counter to move",
                    () -> metric(api, "mailgate_mails_sent_total{provider=\"outbox\"}") == sent + 1);
            assertEquals(accepted + 1, metric(api, "mailgate_mails_accepted_total"));
            assertTrue(metric(api, "mailgate_delivery_latency_seconds_count{provider=\"outbox\"}") >= 1);
            assertTrue(metrics(api).contains("mailgate_queue_depth{queue=\"mailgate.mail.send\"}"));
            assertTrue(metrics(api).contains("mailgate_delivery_in_flight "), "delivery is in process, not on a queue");
            assertTrue(metrics(api).contains("jvm_memory_used_bytes"), "the JVM's meters are there too");
            assertTrue(metrics(api).contains("camel_exchanges_total"), "and Camel's");

            Map<String, Object> broken = new LinkedHashMap<>();
            broken.put("key", "broken");
            broken.put("name", "broken");
            broken.put("service_type", "smtp");
            broken.put("details", Map.of("host", "127.0.0.1", "port", MailgateInstance.freePort(), "security", "none"));
            assertEquals(200, api.postJson("/api/v1/email/config", token, broken).status());
            api.send(api.request("/api/v1/email/config/broken/secret", token).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"username\":\"u\",\"password\":\"p\"}")));
            assertEquals(200, api.postJson("/mail/v1/", token, mail("Doomed")).status());
            Waiter.until(Duration.ofSeconds(30), "the failed counter to move",
                    () -> metric(api, "mailgate_mails_failed_total{provider=\"broken\"}") == 1);
            assertTrue(metric(api, "mailgate_mails_deferred_total{provider=\"broken\"}") >= 1, "deferred, then failed");
            assertTrue(metrics(api).contains("mailgate_mails_deferred_waiting"));
            assertTrue(metrics(api).contains("mailgate_provider_circuit_state{provider=\"broken\"}"));
            assertEquals(1, metric(api, "mailgate_mails_dead_lettered_total{provider=\"broken\"}"));
            assertEquals(1, metric(api, "mailgate_dead_letters_total{source=\"deliver-mail\"}"));
        }
    }

    @Test
    void readinessGoesDownWhenTheDatabaseStops() throws Exception {
        int port = MailgateInstance.freePort();
        Server database = Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists").start();
        String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:observe;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
        try (MailgateInstance mailgate = MailgateInstance.start(Map.of("mailgate.db.url", url, "mailgate.db.user", "sa"))) {
            Api api = mailgate.api();
            Api.Response ready = api.get("/observe/health/ready", null);
            assertEquals(200, ready.status(), ready.body());
            assertEquals("UP", ready.json().get("status").asText());

            database.stop();
            Waiter.until(Duration.ofSeconds(30), "readiness to go DOWN", () -> api.get("/observe/health/ready", null).status() == 503);
            assertEquals("DOWN", api.get("/observe/health/ready", null).json().get("status").asText());
            assertEquals(200, api.get("/observe/health/live", null).status(), "the process itself is alive");
        } finally {
            database.stop();
        }
    }

    @Test
    void theOpenApiDocumentListsEveryRoute() throws Exception {
        try (MailgateInstance mailgate = MailgateInstance.start(Map.of())) {
            Api.Response response = mailgate.api().get("/api/openapi.json", null);
            assertEquals(200, response.status());
            JsonNode document = response.json();
            Set<String> documented = new TreeSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                path.getValue().fieldNames().forEachRemaining(verb -> documented.add(verb.toUpperCase() + " " + normalize(path.getKey())));
            }
            Set<String> declared = declaredRoutes();
            assertTrue(declared.size() >= 40, "the REST files declare " + declared.size() + " routes");
            Set<String> missing = new TreeSet<>(declared);
            missing.removeAll(documented);
            assertEquals(Set.of(), missing, "routes the OpenAPI document does not list");
        }
    }

    /** Every verb of every rest: block in the route files, as "METHOD /path". */
    private static Set<String> declaredRoutes() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Set<String> routes = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/resources/routes"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).toList()) {
                for (JsonNode entry : yaml.readTree(file.toFile())) {
                    JsonNode rest = entry.get("rest");
                    if (rest == null) {
                        continue;
                    }
                    String base = rest.path("path").asText("");
                    for (String verb : List.of("get", "post", "put", "patch", "delete")) {
                        for (JsonNode operation : rest.path(verb)) {
                            routes.add(verb.toUpperCase() + " " + normalize(base + operation.path("path").asText("")));
                        }
                    }
                }
            }
        }
        return routes;
    }

    private static String normalize(String path) {
        String normalized = path.replaceAll("/+", "/");
        return normalized.length() > 1 && normalized.endsWith("/") ? normalized.substring(0, normalized.length() - 1) : normalized;
    }

    private static Map<String, Object> mail(String subject) {
        return Map.of("recipients", Map.of("to", List.of("metrics@example.com")), "subject", subject, "body", "x");
    }

    private static String metrics(Api api) {
        return api.get("/observe/metrics", null).body();
    }

    /** The value of one sample line of the Prometheus text format, 0 when absent. */
    private static double metric(Api api, String sample) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(sample) + " ([0-9.eE+-]+)$").matcher(metrics(api));
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

}
