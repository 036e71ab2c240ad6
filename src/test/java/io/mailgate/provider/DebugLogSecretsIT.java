package io.mailgate.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.MailgateProcess;
import io.mailgate.support.Mails;
import io.mailgate.support.SesEmulator;

/**
 * The packaged gateway at DEBUG, with its own logback configuration, delivers through Mailgun, SMTP
 * with authentication and SES, and keeps a connector's and its own secrets: not one of them appears in
 * the log, although the log holds Camel's DEBUG lines (which print resolved kamelet parameters).
 */
class DebugLogSecretsIT {

    @Test
    void noSecretReachesTheLogAtDebug() throws Exception {
        String mailgunKey = "key-" + UUID.randomUUID();
        String smtpPassword = "smtp-" + UUID.randomUUID();
        String awsSecret = "aws-" + UUID.randomUUID();
        String rootSecret = "root-" + UUID.randomUUID();
        String connectorUrl = "https://hooks.example.com/" + UUID.randomUUID();
        WireMockServer mailgun = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        mailgun.start();
        mailgun.stubFor(post(urlEqualTo("/v3/mg.example.com/messages.mime")).willReturn(okJson("{\"id\":\"<d@mg>\",\"message\":\"ok\"}")));
        GreenMail smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.setUser("gateway@example.org", "smtp-user", smtpPassword);
        smtp.start();
        Path dataDir = MailgateInstance.tempDir();
        Path log = dataDir.resolve("debug.log");
        try (SesEmulator ses = SesEmulator.start()) {
            MailgateProcess gateway = MailgateProcess.startJar(MailgateProcess.environment(dataDir, MailgateInstance.freePort(), Map.of(
                    "MAILGATE_SMTP_HOST", "", "MAILGATE_LOG_LEVEL", "DEBUG",
                    "MAILGATE_ROOT_CLIENT_ID", "debug-root", "MAILGATE_ROOT_CLIENT_SECRET", rootSecret)), log);
            try {
                Api api = gateway.api();
                String token = api.token("debug-root", rootSecret);
                Mails mails = new Mails(api, token);
                deliverThrough(api, token, mails, "mailgun", Map.of("domain", "mg.example.com", "base_url", mailgun.baseUrl()),
                        Map.of("mailgun_api_key", mailgunKey));
                deliverThrough(api, token, mails, "smtp", Map.of("host", "127.0.0.1", "port", smtp.getSmtp().getPort(),
                        "security", "none"), Map.of("username", "smtp-user", "password", smtpPassword));
                deliverThrough(api, token, mails, "ses", Map.of("region", "eu-west-1", "endpoint_override", ses.endpoint()),
                        Map.of("aws_access_key_id", "AKIDDEBUG", "aws_secret_access_key", awsSecret));
                api.send(api.request("/api/v1/connection", token).header("Content-Type", "application/json")
                        .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("[{\"key\":\"debug_connector\","
                                + "\"name\":\"Debug\",\"connection_type\":\"email\",\"access\":\"write\"}]")));
                api.send(api.request("/api/v1/connection/debug_connector/secret?verify=false", token)
                        .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"url\":\"" + connectorUrl + "\",\"to_email\":\"privacy@example.com\"}")));
            } finally {
                gateway.terminate(Duration.ofSeconds(20));
            }
            String logged = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(logged.contains(" DEBUG [Camel"), "the gateway logged at DEBUG");
            String basic = java.util.Base64.getEncoder().encodeToString(("api:" + mailgunKey).getBytes(StandardCharsets.UTF_8));
            for (String secret : List.of(mailgunKey, smtpPassword, awsSecret, rootSecret, connectorUrl, basic.substring(0, 20))) {
                assertFalse(logged.contains(secret), "a secret was logged at DEBUG: " + secret.substring(0, 4) + "…");
            }
        } finally {
            mailgun.stop();
            smtp.stop();
        }
    }

    private static void deliverThrough(Api api, String token, Mails mails, String type, Map<String, Object> details,
                                       Map<String, String> secrets) {
        String key = "debug-" + type;
        mails.configure(key, type, details, 1, secrets);
        mails.awaitStatus(mails.send(Map.of("recipients", Map.of("to", List.of("debug@example.com")),
                "from", "gateway@example.org", "subject", "At DEBUG", "body", "x")), "sent");
        api.delete("/api/v1/email/config/" + key, token);
    }
}
