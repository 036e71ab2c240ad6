package io.mailgate.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.Waiter;

/** A provider that cannot be reached: the mail is retried, then marked failed with the reason. */
class DeliveryFailureIT {

    @Test
    void anUnreachableSmtpServerFailsTheMailWithAReasonAndQueuedListsIt() {
        int closedPort = MailgateInstance.freePort();
        try (MailgateInstance mailgate = MailgateInstance.start(Map.of(
                "mailgate.smtp.host", "127.0.0.1",
                "mailgate.smtp.port", Integer.toString(closedPort),
                // Deferred while the server is unreachable, FAILED once the queue's lifetime is over.
                "mailgate.delivery.max-age", "2s"))) {
            Api api = mailgate.api();
            String token = api.rootToken();
            Api.Response sent = api.postJson("/mail/v1/", token, Map.of(
                    "recipients", Map.of("to", List.of("nobody@example.com")), "subject", "Doomed", "body", "x"));
            assertEquals(200, sent.status(), sent.body());
            String id = sent.json().get("id").asText();

            JsonNode[] failed = new JsonNode[1];
            Waiter.until(Duration.ofSeconds(30), "the mail to fail", () -> {
                JsonNode data = api.get("/mail/v1/queued?eq(id," + id + ")", token).json().get("data");
                failed[0] = data.size() == 1 ? data.get(0) : null;
                return failed[0] != null && "failed".equals(failed[0].get("status").asText());
            });
            assertTrue(failed[0].get("failure_reason").asText().toLowerCase().contains("connect"),
                    failed[0].get("failure_reason").asText());
            assertFalse(failed[0].has("aws_message_id"));
            assertEquals(1, api.get("/mail/v1/queued?eq(status,failed)", token).json().get("page").get("total").asInt());
        }
    }
}
