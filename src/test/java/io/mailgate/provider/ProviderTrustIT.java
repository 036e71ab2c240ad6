package io.mailgate.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.Waiter;

/**
 * A provider behind a private certificate authority: an SMTPS server (GreenMail) and a Mailgun stand-in
 * over HTTPS, both with a certificate of a CA the JVM does not trust. Without the config's
 * trusted_ca the mail waits (a TLS failure is the config's problem, not the mail's); once the CA is
 * set on the config, the waiting mail goes out — to that provider only, the JVM's trust unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderTrustIT {

    private static final String PASSWORD = "changeit-test";

    private Path keystore;
    private String caPem;
    private GreenMail smtps;
    private WireMockServer mailgun;
    private MailgateInstance mailgate;
    private Api api;
    private String token;
    private final Map<String, String> savedProperties = new LinkedHashMap<>();

    @BeforeAll
    void start() throws Exception {
        Path dir = MailgateInstance.tempDir();
        keystore = dir.resolve("provider.p12");
        keytool("-genkeypair", "-alias", "provider", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=Provider Test CA", "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "bc:c",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        Path pem = dir.resolve("provider.pem");
        keytool("-exportcert", "-rfc", "-alias", "provider", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-file", pem.toString());
        caPem = Files.readString(pem, StandardCharsets.US_ASCII);
        // No JVM-wide trust for 127.0.0.1 (another test class sets it for GreenMail's own certificate).
        for (String name : List.of("mail.smtp.ssl.trust", "mail.smtp.ssl.checkserveridentity", "greenmail.tls.keystore.file",
                "greenmail.tls.keystore.password", "greenmail.tls.key.password")) {
            savedProperties.put(name, System.getProperty(name));
            System.clearProperty(name);
        }
        System.setProperty("greenmail.tls.keystore.file", keystore.toString());
        System.setProperty("greenmail.tls.keystore.password", PASSWORD);
        System.setProperty("greenmail.tls.key.password", PASSWORD);
        smtps = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
        smtps.setUser("gateway@example.org", "u", "p");
        smtps.start();
        mailgun = new WireMockServer(options().bindAddress("127.0.0.1").httpDisabled(true).dynamicHttpsPort()
                .keystorePath(keystore.toString()).keystorePassword(PASSWORD).keyManagerPassword(PASSWORD).keystoreType("PKCS12"));
        mailgun.start();
        mailgun.stubFor(post(urlEqualTo("/v3/mg.example.com/messages.mime"))
                .willReturn(okJson("{\"id\":\"<tls@mg.example.com>\",\"message\":\"Queued\"}")));
        mailgate = MailgateInstance.start(Map.of("mailgate.delivery.retry-schedule", "300ms"));
        api = mailgate.api();
        token = api.rootToken();
    }

    @AfterAll
    void stop() {
        if (mailgate != null) {
            mailgate.close();
        }
        smtps.stop();
        mailgun.stop();
        savedProperties.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }

    @Test
    void smtpsWithAPrivateCaWaitsForTheCaThenDelivers() {
        Map<String, Object> details = Map.of("host", "127.0.0.1", "port", smtps.getSmtps().getPort(), "security", "tls");
        configure("smtps-private", "smtp", details, Map.of("username", "u", "password", "p"));
        String id = send("Over private TLS");
        JsonNode deferred = awaitDeferred(id);
        assertTrue(deferred.get("last_error").asText().contains("smtps-private: transient"), deferred.toString());
        assertEquals(0, smtps.getReceivedMessages().length);

        Map<String, Object> trusted = new LinkedHashMap<>(details);
        trusted.put("trusted_ca", caPem);
        patch("smtps-private", "smtp", trusted);
        awaitStatus(id, "sent");
        Waiter.until(Duration.ofSeconds(10), "the mail over TLS", () -> smtps.getReceivedMessages().length == 1);
        api.delete("/api/v1/email/config/smtps-private", token);
    }

    @Test
    void mailgunOverHttpsWithAPrivateCaWaitsForTheCaThenDelivers() {
        String base = "https://127.0.0.1:" + mailgun.httpsPort();
        Map<String, Object> details = Map.of("domain", "mg.example.com", "base_url", base);
        configure("mailgun-private", "mailgun", details, Map.of("mailgun_api_key", "key-tls"));
        String id = send("Over private HTTPS");
        JsonNode deferred = awaitDeferred(id);
        assertTrue(deferred.get("last_error").asText().contains("mailgun-private: transient"), deferred.toString());
        assertEquals(0, mailgun.getAllServeEvents().size(), "no request got through the handshake");

        Map<String, Object> trusted = new LinkedHashMap<>(details);
        trusted.put("trusted_ca", caPem);
        patch("mailgun-private", "mailgun", trusted);
        JsonNode sent = awaitStatus(id, "sent");
        assertEquals("<tls@mg.example.com>", sent.get("aws_message_id").asText());
        api.delete("/api/v1/email/config/mailgun-private", token);
    }

    @Test
    void aTrustedCaMustBePemCertificatesAndIsBounded() {
        for (Object bad : List.of("not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", 42,
                "x".repeat(70_000))) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("key", "bad-ca");
            config.put("name", "bad-ca");
            config.put("service_type", "smtp");
            config.put("details", Map.of("host", "127.0.0.1", "trusted_ca", bad));
            Api.Response refused = api.postJson("/api/v1/email/config", token, config);
            assertEquals(422, refused.status(), refused.body());
            assertTrue(refused.body().contains("trusted_ca"), refused.body());
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("key", "good-ca");
        config.put("name", "good-ca");
        config.put("service_type", "ses");
        config.put("details", Map.of("region", "eu-west-1", "trusted_ca", caPem));
        Api.Response created = api.postJson("/api/v1/email/config", token, config);
        assertEquals(200, created.status(), created.body());
        assertEquals(caPem, created.json().get("details").get("trusted_ca").asText(), "a CA is public: shown as given");
        api.delete("/api/v1/email/config/good-ca", token);
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, "keytool: " + output);
    }

    private void configure(String key, String type, Map<String, Object> details, Map<String, String> secrets) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("key", key);
        config.put("name", key);
        config.put("service_type", type);
        config.put("details", details);
        Api.Response created = api.postJson("/api/v1/email/config", token, config);
        assertEquals(200, created.status(), created.body());
        Api.Response stored = api.send(api.request("/api/v1/email/config/" + key + "/secret", token)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(Api.write(secrets))));
        assertEquals(200, stored.status(), stored.body());
    }

    private void patch(String key, String type, Map<String, Object> details) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("key", key);
        config.put("name", key);
        config.put("service_type", type);
        config.put("details", details);
        Api.Response patched = api.send(api.request("/api/v1/email/config/" + key, token).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(Api.write(config))));
        assertEquals(200, patched.status(), patched.body());
    }

    private String send(String subject) {
        Api.Response response = api.postJson("/mail/v1/", token, Map.of("recipients", Map.of("to", List.of("tls@example.com")),
                "subject", subject, "body", "x"));
        assertEquals(200, response.status(), response.body());
        return response.json().get("id").asText();
    }

    private JsonNode mail(String id) {
        JsonNode data = api.get("/mail/v1/?eq(id," + id + ")", token).json().get("data");
        return data.size() == 1 ? data.get(0) : null;
    }

    private JsonNode awaitStatus(String id, String status) {
        Waiter.until(Duration.ofSeconds(30), "mail " + id + " to be " + status, () -> status.equals(mail(id).get("status").asText()));
        return mail(id);
    }

    private JsonNode awaitDeferred(String id) {
        Waiter.until(Duration.ofSeconds(30), "mail " + id + " to be deferred", () -> mail(id).has("next_attempt_timestamp")
                && mail(id).get("attempts").asInt() >= 2);
        return mail(id);
    }
}
