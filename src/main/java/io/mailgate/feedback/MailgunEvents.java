package io.mailgate.feedback;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.mail.MailEvent;
import io.mailgate.mail.MailEvents;
import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;

/**
 * Mailgun's webhooks (POST /api/v1/events/mailgun/{email_config_key}), in Mailgun's JSON format: a
 * {@code signature} (timestamp, token, HMAC-SHA256 of timestamp + token with the config's
 * {@code mailgun_webhook_signing_key}) and the {@code event-data}. Nothing is believed before the
 * signature matches, the timestamp is within the window and the token is new. The mail is found by the
 * {@code mailgate-id} variable Mailgate sends with every mail, or by its Message-ID.
 */
public class MailgunEvents {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{10,128}");
    private static final Pattern SIGNATURE = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,12}");
    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9_.:=+/-]{1,200}");
    private static final Pattern OUR_MESSAGE_ID = Pattern.compile("<?([0-9a-f]{24})@[^>]*>?");

    private final Json json;
    private final Function<String, Optional<String>> signingKeys;
    private final WebhookTokens tokens;
    private final Feedback feedback;
    private final MailEvents events;
    private final MachineOpens machines;
    private final long windowMillis;
    private final int maxBodyBytes;
    private final Clock clock;

    /**
     * @param signingKeys an email config's key → its webhook signing key (empty: it has none); throws a
     *                    404 for a config that does not exist or is not a Mailgun one
     */
    public MailgunEvents(Json json, Function<String, Optional<String>> signingKeys, WebhookTokens tokens, Feedback feedback,
                         MailEvents events, MachineOpens machines, FeedbackSettings settings, int maxBodyBytes, Clock clock) {
        this.json = json;
        this.signingKeys = signingKeys;
        this.tokens = tokens;
        this.feedback = feedback;
        this.events = events;
        this.machines = machines;
        this.windowMillis = settings.signatureWindowSeconds() * 1000L;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    public String receive(String configKey, Object body) {
        String text = Bodies.text(body, maxBodyBytes);
        String key = signingKeys.apply(configKey).orElseThrow(() -> refused(
                "The email config has no mailgun_webhook_signing_key: set it with PUT /api/v1/messaging/config/{key}/secret"));
        JsonNode root = Bodies.jsonObject(json.mapper(), text);
        JsonNode signature = root.path("signature");
        String timestamp = field(signature, "timestamp", TIMESTAMP);
        String token = field(signature, "token", TOKEN);
        String mac = field(signature, "signature", SIGNATURE);
        if (!MessageDigest.isEqual(hmac(key, timestamp + token).getBytes(StandardCharsets.US_ASCII),
                mac.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            throw refused("The signature does not match the config's webhook signing key");
        }
        long now = clock.millis();
        if (Math.abs(now - Long.parseLong(timestamp) * 1000) > windowMillis) {
            throw refused("The signature's timestamp is more than " + windowMillis / 1000 + " seconds from now");
        }
        if (tokens.seen(token)) {
            throw refused("This signature's token was used before: a replayed request");
        }
        String result = record(root.path("event-data"));
        tokens.remember(token);
        return json.write(Map.of("result", result));
    }

    private String record(JsonNode data) {
        if (!data.isObject()) {
            throw invalid("event-data must be an object");
        }
        String event = data.path("event").asText("");
        String severity = data.path("severity").asText("");
        MailEvent.Type type;
        MailEvent.Bounce bounce = null;
        switch (event) {
            case "delivered" -> type = MailEvent.Type.DELIVERED;
            case "failed" -> {
                type = MailEvent.Type.BOUNCED;
                bounce = "temporary".equals(severity) ? MailEvent.Bounce.SOFT : MailEvent.Bounce.HARD;
            }
            case "complained" -> type = MailEvent.Type.COMPLAINED;
            case "unsubscribed" -> type = MailEvent.Type.UNSUBSCRIBED;
            case "opened" -> type = MailEvent.Type.OPENED;
            case "accepted", "rejected", "clicked", "stored", "list_member_uploaded", "list_member_upload_error", "list_uploaded" -> {
                return "ignored";
            }
            default -> throw invalid("event-data.event is not one of Mailgun's events");
        }
        String id = data.path("id").asText("");
        if (!EVENT_ID.matcher(id).matches()) {
            throw invalid("event-data.id must be Mailgun's event id");
        }
        JsonNode time = data.path("timestamp");
        if (!time.isNumber() || time.asDouble() < 0 || time.asDouble() > 1e11) {
            throw invalid("event-data.timestamp must be seconds since 1970");
        }
        long occurredAt = new BigDecimal(time.asText()).movePointRight(3).longValue();
        String recipient = data.path("recipient").asText("");
        if (recipient.isBlank() || recipient.length() > MailEvent.MAX_RECIPIENT || !recipient.contains("@")) {
            throw invalid("event-data.recipient must be an email address");
        }
        Optional<MailEvents.Target> mail = mail(data);
        Feedback.Report report = Feedback.Report.of("mailgun", "mailgun:" + id, type, occurredAt, recipient).bounce(bounce);
        if (type == MailEvent.Type.BOUNCED) {
            report = report.detail(diagnostic(data));
        } else if (type == MailEvent.Type.COMPLAINED) {
            report = report.detail("complaint");
        } else if (type == MailEvent.Type.OPENED) {
            Optional<String> agent = Optional.of(data.path("client-info").path("user-agent").asText("")).filter(a -> !a.isBlank());
            boolean bot = !data.path("client-info").path("bot").asText("").isBlank();
            report = report.detail(agent.orElse(null))
                    .machine(bot || machines.isMachine(agent, mail.flatMap(MailEvents.Target::sentAt), occurredAt));
        }
        return switch (feedback.report(mail, report)) {
            case RECORDED -> "recorded";
            case DUPLICATE -> "duplicate";
            case UNKNOWN_MAIL -> "unknown mail";
        };
    }

    /** By the mailgate-id variable, else by the Message-ID Mailgun gave (or Mailgate's own, which names the mail). */
    private Optional<MailEvents.Target> mail(JsonNode data) {
        String mailgateId = data.path("user-variables").path("mailgate-id").asText("");
        if (!mailgateId.isEmpty()) {
            return events.byMailId(mailgateId);
        }
        String messageId = data.path("message").path("headers").path("message-id").asText("");
        Optional<MailEvents.Target> byProvider = events.byProviderMessageId(messageId);
        if (byProvider.isPresent()) {
            return byProvider;
        }
        var ours = OUR_MESSAGE_ID.matcher(messageId.trim());
        return ours.matches() ? events.byMailId(ours.group(1)) : Optional.empty();
    }

    /** The receiving server's answer (code, enhanced code, message) or Mailgun's reason for a bounce. */
    private static String diagnostic(JsonNode data) {
        JsonNode status = data.path("delivery-status");
        StringBuilder text = new StringBuilder();
        if (status.path("code").isNumber()) {
            text.append(status.path("code").asInt());
        }
        for (String name : new String[] {"enhanced-code", "message", "description"}) {
            String value = status.path(name).asText("");
            if (!value.isBlank() && text.indexOf(value) < 0) {
                text.append(text.length() > 0 ? " " : "").append(value);
            }
        }
        if (text.length() == 0) {
            text.append(data.path("reason").asText("failed"));
        }
        return text.toString();
    }

    private static String field(JsonNode signature, String name, Pattern pattern) {
        JsonNode value = signature.path(name);
        if (!value.isTextual() && !value.isNumber() || !pattern.matcher(value.asText()).matches()) {
            throw refused("The request is not signed as Mailgun signs it: signature." + name + " is missing or malformed");
        }
        return value.asText();
    }

    static String hmac(String key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static ApiException refused(String message) {
        return new ApiException(ErrorCode.FORBIDDEN, message);
    }

    private static ApiException invalid(String message) {
        return new ApiException(ErrorCode.BAD_REQUEST, message);
    }
}
