package io.mailgate.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kamelet.KameletComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Request;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.MailgateInstance;
import io.mailgate.support.SesEmulator;
import io.mailgate.support.Waiter;

/**
 * The provider kamelets used by another Camel application, outside Mailgate: a bare CamelContext with
 * none of Mailgate's beans, components or configuration, stock camel-mail, and the kamelets from the
 * project's kamelets/ folder. Each takes the same input: a MimeMessage (or its bytes) and its envelope.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KameletsOnTheirOwnIT {

    private static final String TO = "to@example.com";
    private static final String BLIND = "blind@example.com";

    private CamelContext camel;
    private ProducerTemplate producer;
    private GreenMail smtp;
    private WireMockServer mailgun;
    private SesEmulator ses;
    private Path outbox;

    @BeforeAll
    void start() throws Exception {
        smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        mailgun = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        mailgun.start();
        ses = SesEmulator.start();
        outbox = MailgateInstance.tempDir();

        camel = new DefaultCamelContext();
        camel.getComponent("kamelet", KameletComponent.class).setLocation("file:kamelets");
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:smtp").to("kamelet:smtp-sink?host=127.0.0.1&port=" + smtp.getSmtp().getPort());
                from("direct:outbox").to("kamelet:outbox-sink?directory=" + outbox);
                from("direct:mailgun").to("kamelet:mailgun-sink?baseUrl=RAW(" + mailgun.baseUrl()
                        + ")&domain=mg.example.com&apiKey=RAW(key-standalone)");
                from("direct:ses").to("kamelet:ses-sink?region=eu-west-1&accessKey=AKIDEXAMPLE&secretKey=RAW(secret)"
                        + "&overrideEndpoint=true&uriEndpointOverride=RAW(" + ses.endpoint() + ")");
            }
        });
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterAll
    void stop() throws Exception {
        if (camel != null) {
            camel.close();
        }
        smtp.stop();
        mailgun.stop();
        ses.close();
    }

    @Test
    void smtpSinkSendsToTheEnvelopeSoBlindRecipientsGetItUnnamed() throws Exception {
        String subject = "SMTP " + UUID.randomUUID();
        Exchange sent = send("direct:smtp", message(subject));
        Waiter.until(Duration.ofSeconds(20), "both recipients", () -> smtp.getReceivedMessages().length >= 2);
        List<MimeMessage> received = Arrays.stream(smtp.getReceivedMessages())
                .filter(m -> subject.equals(subjectOf(m))).toList();
        assertEquals(2, received.size(), "the visible and the blind recipient each got it");
        assertNull(received.get(0).getHeader("Bcc"));
        assertEquals(TO, received.get(0).getHeader("To", ","));
        assertEquals(received.get(0).getMessageID(), sent.getMessage().getHeader("ProviderMessageId"));
    }

    @Test
    void outboxSinkWritesAPickupFileNamedAfterTheMessageId() throws Exception {
        String subject = "Outbox " + UUID.randomUUID();
        MimeMessage message = message(subject);
        String id = message.getMessageID();
        // bytes, not a MimeMessage: the other form of the same input
        send("direct:outbox", bytes(message));
        Path file = outbox.resolve(id.substring(1, id.indexOf('@')) + ".eml");
        assertTrue(Files.exists(file), "named after the Message-ID's left part: " + file);
        MimeMessage written = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(Files.readAllBytes(file)));
        assertEquals(subject, written.getSubject());
        assertEquals(BLIND, written.getHeader("Bcc", ","), "a pickup file names blind recipients in Bcc");
    }

    @Test
    void mailgunSinkPostsTheMessageAsMime() throws Exception {
        mailgun.stubFor(post(urlEqualTo("/v3/mg.example.com/messages.mime"))
                .willReturn(okJson("{\"id\":\"<standalone@mg.example.com>\",\"message\":\"Queued. Thank you.\"}")));
        String subject = "Mailgun " + UUID.randomUUID();
        Exchange sent = send("direct:mailgun", message(subject));
        assertEquals("<standalone@mg.example.com>", sent.getMessage().getHeader("ProviderMessageId"));
        Request request = mailgun.getAllServeEvents().get(0).getRequest();
        assertEquals(List.of(TO, BLIND), request.getParts().stream().filter(p -> p.getName().equals("to"))
                .map(p -> p.getBody().asString()).toList());
        assertNull(request.getHeader("MailEnvelopeTo"), "the envelope does not leak into HTTP headers");
        byte[] mime = request.getParts().stream().filter(p -> p.getName().equals("message")).findFirst().orElseThrow()
                .getBody().asBytes();
        assertTrue(new String(mime, StandardCharsets.UTF_8).contains("Subject: " + subject));
        assertFalse(new String(mime, StandardCharsets.UTF_8).contains(BLIND), "the blind recipient is in no header");
    }

    @Test
    void sesSinkSendsTheRawMessageToTheEnvelope() throws Exception {
        String subject = "SES " + UUID.randomUUID();
        Exchange sent = send("direct:ses", message(subject));
        assertFalse(String.valueOf(sent.getMessage().getHeader("ProviderMessageId")).isBlank());
        Waiter.until(Duration.ofSeconds(10), "the emulator to have it",
                () -> ses.store().get("emails").toString().contains(subject));
    }

    @Test
    void aMissingEnvelopeIsAClearError() {
        Exchange failed = producer.send("direct:mailgun", exchange -> exchange.getMessage().setBody(message("No envelope")));
        assertTrue(failed.isFailed());
        assertTrue(failed.getException().getMessage().contains("MailEnvelopeTo"), failed.getException().getMessage());
    }

    private Exchange send(String endpoint, Object body) {
        Exchange exchange = producer.send(endpoint, e -> {
            e.getMessage().setBody(body);
            e.getMessage().setHeaders(Map.of("MailEnvelopeFrom", "sender@example.org", "MailEnvelopeTo", TO + "," + BLIND));
        });
        if (exchange.isFailed()) {
            throw new AssertionError(exchange.getException());
        }
        return exchange;
    }

    /** A message as another application builds it: plain JavaMail, no Bcc header. */
    private static MimeMessage message(String subject) {
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
            message.setFrom(new InternetAddress("Sender <sender@example.org>"));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(TO));
            message.setSubject(subject);
            message.setText("Hello from another Camel application", "UTF-8");
            message.saveChanges();
            return message;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    private static String subjectOf(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
