package io.mailgate.provider;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.kamelet.EnvelopedMessage;
import io.mailgate.mail.Addresses;
import io.mailgate.mail.Mail;
import io.mailgate.mail.MailOptions;
import io.mailgate.mail.MailRequest;
import io.mailgate.mail.OutboundMail;
import io.mailgate.platform.Ids;
import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;

/**
 * The console's "send test mail": a short mail through one provider (an email config, or the provider
 * of the configuration file), sent at once through that provider's kamelet as delivery would send it,
 * and the answer: the provider's message id, or why it failed. It is not a stored mail: no retry, no
 * failover, no record - it tests the provider.
 */
public class ProviderTests {

    private final CamelContext context;
    private final DeliveryPlanner planner;
    private final Json json;
    private final Clock clock;

    public ProviderTests(CamelContext context, DeliveryPlanner planner, Json json, Clock clock) {
        this.context = context;
        this.planner = planner;
        this.json = json;
        this.clock = clock;
    }

    /** {"to": address} → {"sent": true, "provider_message_id"} or {"sent": false, "error"}. */
    public String send(String configKey, Object body) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        JsonNode to = root.get("to");
        if (to == null || !to.isTextual() || Addresses.problem(to.asText()) != null) {
            throw ApiException.validation(List.of("body", "to"), "to must be an email address");
        }
        Provider provider = planner.provider(configKey)
                .orElseThrow(() -> new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No usable provider has this key"));
        long now = clock.millis();
        Mail mail = new Mail(Ids.newId(now), "console", planner.defaultFrom(), List.of(),
                new MailRequest.Recipients(List.of(to.asText()), List.of(), List.of()), "Mailgate test mail via " + provider.key(),
                "This mail tests the provider " + provider.key() + ". Nothing needs to be done.", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), 0, Mail.Status.SENDING, Optional.empty(), Optional.empty(),
                Optional.empty(), now, now, Mail.Attempts.NONE, MailOptions.NONE);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("provider", provider.key());
        try {
            EnvelopedMessage message = planner.messageFor(new OutboundMail(mail, List.of(), Optional.empty(), false), provider);
            Exchange exchange = context.createFluentProducerTemplate().to(provider.endpoint())
                    .withHeader("MailEnvelopeFrom", message.getEnvelopeFrom()).withHeader("MailEnvelopeTo", message.getEnvelopeTo())
                    .withHeader("MailgateId", mail.id()).withBody(message).send();
            if (exchange.getException() != null) {
                answer.put("sent", false);
                answer.put("error", ProviderErrors.describe(exchange.getException()));
            } else {
                answer.put("sent", true);
                answer.put("provider_message_id", exchange.getMessage().getHeader("ProviderMessageId", String.class));
            }
        } catch (jakarta.mail.MessagingException | RuntimeException e) {
            answer.put("sent", false);
            answer.put("error", ProviderErrors.describe(e));
        }
        return json.write(answer);
    }
}
