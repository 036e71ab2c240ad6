package io.mailgate.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.QueueProducer;
import io.mailgate.support.TestBroker;
import io.mailgate.support.Waiter;

/** With MAILGATE_BROKER_URL Mailgate embeds no broker and uses another one: Artemis core or any AMQP 1.0 broker. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalBrokerIT {

    private TestBroker broker;
    private GreenMail smtp;

    @BeforeAll
    void start() throws Exception {
        broker = TestBroker.start();
        smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @AfterAll
    void stop() throws Exception {
        smtp.stop();
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"amqp", "tcp"})
    void mailsFlowThroughAnExternalBroker(String scheme) {
        String url = broker.url(scheme);
        try (MailgateInstance mailgate = MailgateInstance.start(Map.of("mailgate.broker.url", url,
                "mailgate.smtp.host", "127.0.0.1", "mailgate.smtp.port", Integer.toString(smtp.getSmtp().getPort())));
             QueueProducer producer = scheme.equals("amqp") ? QueueProducer.amqp(broker.port()) : new QueueProducer(broker.port())) {
            Api api = mailgate.api();
            String rest = "REST via " + scheme + " " + UUID.randomUUID();
            assertEquals(200, api.postJson("/mail/v1/", api.rootToken(), Map.of("recipients", Map.of("to",
                    List.of("ext@example.com")), "subject", rest, "body", "x")).status());
            String queued = "Queue via " + scheme + " " + UUID.randomUUID();
            producer.send(Api.write(Map.of("recipients", Map.of("to", List.of("ext@example.com")), "subject", queued,
                    "body", "x")), Map.of());
            for (String subject : List.of(rest, queued)) {
                Waiter.until(Duration.ofSeconds(30), subject, () -> Arrays.stream(smtp.getReceivedMessages())
                        .anyMatch(m -> subject.equals(subjectOf(m))));
            }
        }
    }

    private static String subjectOf(jakarta.mail.internet.MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
