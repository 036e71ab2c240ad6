package io.mailgate.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.mailgate.support.Mails;
import io.mailgate.support.SmtpFaults;
import io.mailgate.support.Waiter;

/**
 * A provider behind a private certificate authority: an SMTPS server (GreenMail behind a TLS front) and
 * a Mailgun stand-in over HTTPS, both with a certificate of a CA the JVM does not trust. Without the config's
 * trusted_ca the mail waits (a TLS failure is the config's problem, not the mail's); once the CA is
 * set on the config, the waiting mail goes out — to that provider only, the JVM's trust unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderTrustIT {

    private static final String PASSWORD = "changeit-test";

    private Path keystore;
    private String caPem;
    private GreenMail smtp;
    private SmtpFaults smtps;
    private WireMockServer mailgun;
    private MailgateInstance mailgate;
    private Api api;
    private String token;
    private Mails mails;
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
        for (String name : List.of("mail.smtp.ssl.trust", "mail.smtp.ssl.checkserveridentity")) {
            savedProperties.put(name, System.getProperty(name));
            System.clearProperty(name);
        }
        // GreenMail loads its TLS certificate once per JVM: our certificate is on a TLS front instead.
        smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.setUser("gateway@example.org", "u", "p");
        smtp.start();
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        javax.net.ssl.KeyManagerFactory keyManagers = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD.toCharArray());
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        smtps = SmtpFaults.inFrontOf(smtp.getSmtp().getPort(), tls.getServerSocketFactory());
        mailgun = new WireMockServer(options().bindAddress("127.0.0.1").httpDisabled(true).dynamicHttpsPort()
                .keystorePath(keystore.toString()).keystorePassword(PASSWORD).keyManagerPassword(PASSWORD).keystoreType("PKCS12"));
        mailgun.start();
        mailgun.stubFor(post(urlEqualTo("/v3/mg.example.com/messages.mime"))
                .willReturn(okJson("{\"id\":\"<tls@mg.example.com>\",\"message\":\"Queued\"}")));
        mailgate = MailgateInstance.start(Map.of("mailgate.delivery.retry-schedule", "300ms"));
        api = mailgate.api();
        token = api.rootToken();
        mails = new Mails(api, token);
    }

    @AfterAll
    void stop() {
        if (mailgate != null) {
            mailgate.close();
        }
        try {
            smtps.close();
        } catch (java.io.IOException ignored) {
            // closing
        }
        smtp.stop();
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
        Map<String, Object> details = Map.of("host", "127.0.0.1", "port", smtps.port(), "security", "tls");
        mails.configure("smtps-private", "smtp", details, 100, Map.of("username", "u", "password", "p"));
        String id = mails.send(Map.of("recipients", Map.of("to", List.of("tls@example.com")), "subject", "Over private TLS",
                "body", "x"));
        JsonNode deferred = deferredTwice(id);
        assertTrue(deferred.get("last_error").asText().contains("smtps-private: transient"), deferred.toString());
        assertEquals(0, smtp.getReceivedMessages().length);

        Map<String, Object> trusted = new LinkedHashMap<>(details);
        trusted.put("trusted_ca", caPem);
        mails.patch("smtps-private", "smtp", trusted, 100);
        mails.awaitStatus(id, "sent");
        Waiter.until(Duration.ofSeconds(10), "the mail over TLS", () -> smtp.getReceivedMessages().length == 1);
        api.delete("/api/v1/email/config/smtps-private", token);
    }

    @Test
    void mailgunOverHttpsWithAPrivateCaWaitsForTheCaThenDelivers() {
        String base = "https://127.0.0.1:" + mailgun.httpsPort();
        Map<String, Object> details = Map.of("domain", "mg.example.com", "base_url", base);
        mails.configure("mailgun-private", "mailgun", details, 100, Map.of("mailgun_api_key", "key-tls"));
        String id = mails.send(Map.of("recipients", Map.of("to", List.of("tls@example.com")), "subject", "Over private HTTPS",
                "body", "x"));
        JsonNode deferred = deferredTwice(id);
        assertTrue(deferred.get("last_error").asText().contains("mailgun-private: transient"), deferred.toString());
        assertEquals(0, mailgun.getAllServeEvents().size(), "no request got through the handshake");

        Map<String, Object> trusted = new LinkedHashMap<>(details);
        trusted.put("trusted_ca", caPem);
        mails.patch("mailgun-private", "mailgun", trusted, 100);
        JsonNode sent = mails.awaitStatus(id, "sent");
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
    /** Deferred at least twice: the first failure was no accident. */
    private JsonNode deferredTwice(String id) {
        Waiter.until(Duration.ofSeconds(30), "mail " + id + " to be deferred twice", () -> {
            JsonNode mail = mails.find(id);
            return mail != null && mail.has("next_attempt_timestamp") && mail.get("attempts").asInt() >= 2;
        });
        return mails.find(id);
    }
}
