package io.mailgate.webhook;

import java.util.Optional;
import java.util.Set;

import io.mailgate.mail.MailEvent;

/** An endpoint a client subscribed to the events of its mails: where to POST, and which event types. */
public record Webhook(String id, String clientId, String url, Set<MailEvent.Type> events, Optional<String> description, long createdAt) {
}
