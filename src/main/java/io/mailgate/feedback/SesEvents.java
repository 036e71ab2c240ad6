package io.mailgate.feedback;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.mail.MailEvent;
import io.mailgate.mail.MailEvents;
import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;

/**
 * Amazon SES's feedback through SNS (POST /api/v1/events/ses/{email_config_key}): every SNS message's
 * signature is verified (version 1, SHA1withRSA, and 2, SHA256withRSA) with the certificate at its
 * SigningCertURL, which must match the trusted pattern, before anything in it is believed. A
 * subscription confirmation is confirmed at its SubscribeURL (same host as the certificate); a
 * notification carries an SES event - the identity notifications ({@code notificationType}) and the
 * event-publishing shapes ({@code eventType}) alike - about the mail SES answered with that message id.
 * A message SNS sends again has the same MessageId and changes nothing; one signed more than an hour
 * and the signature window ago (longer than SNS retries) is refused.
 */
public class SesEvents {

    private static final long SNS_RETRY_MILLIS = 3_600_000L;

    private final Json json;
    private final Consumer<String> requireSesConfig;
    private final SnsClient sns;
    private final Feedback feedback;
    private final MailEvents events;
    private final MachineOpens machines;
    private final long maxAgeMillis;
    private final int maxBodyBytes;
    private final Clock clock;

    /** @param requireSesConfig throws a 404 unless an SES email config has the key */
    public SesEvents(Json json, Consumer<String> requireSesConfig, SnsClient sns, Feedback feedback, MailEvents events,
                     MachineOpens machines, FeedbackSettings settings, int maxBodyBytes, Clock clock) {
        this.json = json;
        this.requireSesConfig = requireSesConfig;
        this.sns = sns;
        this.feedback = feedback;
        this.events = events;
        this.machines = machines;
        this.maxAgeMillis = SNS_RETRY_MILLIS + settings.signatureWindowSeconds() * 1000L;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    public String receive(String configKey, Object body) {
        String text = Bodies.text(body, maxBodyBytes);
        requireSesConfig.accept(configKey);
        // SNS posts JSON as text/plain.
        JsonNode message = Bodies.jsonObject(json.mapper(), text);
        String type = required(message, "Type");
        verify(message, type);
        return switch (type) {
            case "SubscriptionConfirmation" -> confirm(message);
            case "UnsubscribeConfirmation" -> json.write(Map.of("result", "ignored"));
            case "Notification" -> json.write(Map.of("result", notification(message)));
            default -> throw invalid("Type is not an SNS message type");
        };
    }

    private void verify(JsonNode message, String type) {
        String version = required(message, "SignatureVersion");
        String algorithm = switch (version) {
            case "1" -> "SHA1withRSA";
            case "2" -> "SHA256withRSA";
            default -> throw refused("SignatureVersion must be 1 or 2");
        };
        String certUrl = required(message, "SigningCertURL");
        if (!sns.trusts(certUrl)) {
            throw refused("SigningCertURL is not an SNS certificate URL");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(required(message, "Signature"));
        } catch (IllegalArgumentException e) {
            throw refused("Signature is not base64");
        }
        List<String> fields = type.equals("Notification")
                ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
                : List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
        StringBuilder signed = new StringBuilder();
        for (String field : fields) {
            JsonNode value = message.get(field);
            if (value == null || value.isNull()) {
                if (field.equals("Subject")) {
                    continue;
                }
                throw refused("The message is not signed as SNS signs it: " + field + " is missing");
            }
            if (!value.isTextual()) {
                throw refused("The message is not signed as SNS signs it: " + field + " is not text");
            }
            signed.append(field).append('\n').append(value.asText()).append('\n');
        }
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(sns.certificate(certUrl).getPublicKey());
            verifier.update(signed.toString().getBytes(StandardCharsets.UTF_8));
            if (!verifier.verify(signature)) {
                throw refused("The signature does not match the SNS certificate");
            }
        } catch (GeneralSecurityException e) {
            throw refused("The signature does not match the SNS certificate");
        }
        Instant timestamp;
        try {
            timestamp = Instant.parse(required(message, "Timestamp"));
        } catch (DateTimeParseException e) {
            throw refused("Timestamp is not an ISO 8601 instant");
        }
        if (clock.millis() - timestamp.toEpochMilli() > maxAgeMillis) {
            throw refused("The message was signed more than " + maxAgeMillis / 60_000 + " minutes ago: a replayed message");
        }
    }

    /** Visits the SubscribeURL, which must be on the certificate's SNS host. */
    private String confirm(JsonNode message) {
        String subscribe = required(message, "SubscribeURL");
        URI url;
        URI cert;
        try {
            url = URI.create(subscribe);
            cert = URI.create(required(message, "SigningCertURL"));
        } catch (IllegalArgumentException e) {
            throw invalid("SubscribeURL is not a URL");
        }
        if (url.getHost() == null || !url.getHost().equals(cert.getHost()) || !String.valueOf(url.getScheme()).equals(cert.getScheme())
                || url.getPort() != cert.getPort()) {
            throw refused("SubscribeURL is not on the SNS host that signed the message");
        }
        if (!sns.confirm(subscribe)) {
            throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "SNS did not confirm the subscription; it will send the confirmation again");
        }
        return json.write(Map.of("result", "subscribed"));
    }

    private String notification(JsonNode message) {
        String messageId = required(message, "MessageId");
        if (messageId.length() > 100) {
            throw invalid("MessageId is longer than SNS message ids");
        }
        JsonNode event;
        try {
            event = json.mapper().readTree(required(message, "Message"));
        } catch (JacksonException e) {
            throw invalid("Message is not an SES event");
        }
        if (event == null || !event.isObject()) {
            throw invalid("Message is not an SES event");
        }
        String kind = event.hasNonNull("eventType") ? event.path("eventType").asText() : event.path("notificationType").asText();
        String sesMessageId = event.path("mail").path("messageId").asText("");
        Optional<MailEvents.Target> mail = events.byProviderMessageId(sesMessageId);
        List<Feedback.Report> reports = new ArrayList<>();
        String key = "ses:" + messageId + ":";
        switch (kind) {
            case "Bounce" -> {
                JsonNode bounce = event.path("bounce");
                MailEvent.Bounce severity = "Permanent".equals(bounce.path("bounceType").asText())
                        ? MailEvent.Bounce.HARD : MailEvent.Bounce.SOFT;
                long at = time(bounce);
                for (JsonNode recipient : recipients(bounce, "bouncedRecipients")) {
                    String address = address(recipient.path("emailAddress"));
                    String diagnostic = join(recipient.path("status").asText(""), recipient.path("diagnosticCode").asText(""),
                            bounce.path("bounceType").asText("") + "/" + bounce.path("bounceSubType").asText(""));
                    reports.add(Feedback.Report.of("ses", key + address, MailEvent.Type.BOUNCED, at, address).bounce(severity)
                            .detail(diagnostic));
                }
            }
            case "Complaint" -> {
                JsonNode complaint = event.path("complaint");
                long at = time(complaint);
                String feedbackType = complaint.path("complaintFeedbackType").asText("complaint");
                for (JsonNode recipient : recipients(complaint, "complainedRecipients")) {
                    String address = address(recipient.path("emailAddress"));
                    reports.add(Feedback.Report.of("ses", key + address, MailEvent.Type.COMPLAINED, at, address).detail(feedbackType));
                }
            }
            case "Delivery" -> {
                JsonNode delivery = event.path("delivery");
                long at = time(delivery);
                for (JsonNode recipient : recipients(delivery, "recipients")) {
                    String address = address(recipient);
                    reports.add(Feedback.Report.of("ses", key + address, MailEvent.Type.DELIVERED, at, address)
                            .detail(delivery.path("smtpResponse").asText(null)));
                }
            }
            case "Open" -> {
                JsonNode open = event.path("open");
                long at = time(open);
                Optional<String> agent = Optional.of(open.path("userAgent").asText("")).filter(a -> !a.isBlank());
                reports.add(Feedback.Report.of("ses", key + "open", MailEvent.Type.OPENED, at, null).detail(agent.orElse(null))
                        .machine(machines.isMachine(agent, mail.flatMap(MailEvents.Target::sentAt), at)));
            }
            case "Subscription" -> {
                JsonNode subscription = event.path("subscription");
                if (subscription.path("newTopicPreferences").path("unsubscribeAll").asBoolean(false)) {
                    for (JsonNode recipient : recipients(event.path("mail"), "destination")) {
                        String address = address(recipient);
                        reports.add(Feedback.Report.of("ses", key + address, MailEvent.Type.UNSUBSCRIBED, time(subscription), address));
                    }
                }
            }
            case "Send", "Reject", "Click", "Rendering Failure", "DeliveryDelay", "AmazonSnsSubscriptionSucceeded" -> {
                return "ignored";
            }
            default -> throw invalid("Message is not an SES event: no known notificationType or eventType");
        }
        String result = "ignored";
        for (Feedback.Report report : reports) {
            result = switch (feedback.report(mail, report)) {
                case RECORDED -> "recorded";
                case DUPLICATE -> result.equals("recorded") ? result : "duplicate";
                case UNKNOWN_MAIL -> "unknown mail";
            };
        }
        return result;
    }

    private static List<JsonNode> recipients(JsonNode parent, String field) {
        JsonNode list = parent.path(field);
        if (!list.isArray() || list.isEmpty() || list.size() > 1000) {
            throw invalid(field + " must be a list of recipients");
        }
        List<JsonNode> all = new ArrayList<>();
        list.forEach(all::add);
        return all;
    }

    private static String address(JsonNode value) {
        // SES may name a recipient with its display name: keep the address.
        String address = io.mailgate.mail.Addresses.bare(value.asText(""));
        if (!value.isTextual() || address.isBlank() || address.length() > MailEvent.MAX_RECIPIENT || !address.contains("@")) {
            throw invalid("A recipient is not an email address");
        }
        return address;
    }

    private static long time(JsonNode event) {
        try {
            return Instant.parse(event.path("timestamp").asText("")).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw invalid("The event's timestamp is not an ISO 8601 instant");
        }
    }

    private static String join(String... parts) {
        StringBuilder text = new StringBuilder();
        for (String part : parts) {
            if (!part.isBlank() && !part.equals("/")) {
                text.append(text.length() > 0 ? " " : "").append(part);
            }
        }
        return text.toString();
    }

    private static String required(JsonNode message, String field) {
        JsonNode value = message.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw refused("The message is not signed as SNS signs it: " + field + " is missing");
        }
        return value.asText();
    }

    private static ApiException refused(String message) {
        return new ApiException(ErrorCode.FORBIDDEN, message);
    }

    private static ApiException invalid(String message) {
        return new ApiException(ErrorCode.BAD_REQUEST, message);
    }
}
