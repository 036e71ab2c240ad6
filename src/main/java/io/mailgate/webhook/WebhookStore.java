package io.mailgate.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

import io.mailgate.feedback.Feedback;
import io.mailgate.mail.MailEvent;
import io.mailgate.mail.MailEvents;
import io.mailgate.mail.MailViews;
import io.mailgate.platform.Ids;
import io.mailgate.platform.Json;
import io.mailgate.security.SecretBox;

/**
 * The webhook endpoints of each client, their encrypted secrets, and the messages waiting for them: an
 * event recorded on a mail becomes, in the same transaction, one message per endpoint of the mail's
 * client that asked for its type (so an event is never recorded without its messages, nor twice).
 */
public class WebhookStore implements Feedback.Listener {

    private static final String COLUMNS = "id, client_id, url, events, description, created_at";

    private final Jdbi jdbi;
    private final Json json;
    private final SecretBox secretBox;
    private final Clock clock;

    public WebhookStore(Jdbi jdbi, Json json, SecretBox secretBox, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.secretBox = secretBox;
        this.clock = clock;
    }

    /** A new endpoint, and its secret: the only time the secret leaves Mailgate. */
    public record Created(Webhook webhook, String secret) {
    }

    public Created create(String clientId, String url, Set<MailEvent.Type> events, Optional<String> description) {
        long now = clock.millis();
        String id = Ids.newId(now);
        String secret = StandardWebhooks.newSecret();
        io.mailgate.platform.LogMasking.hide(secret);
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO webhook (id, client_id, url, events, description, secret_sealed, "
                        + "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .bind(0, id).bind(1, clientId).bind(2, url).bind(3, wire(events)).bind(4, description.orElse(null))
                .bind(5, secretBox.encrypt(secret, id)).bind(6, now).execute());
        return new Created(new Webhook(id, clientId, url, events, description, now), secret);
    }

    public long count(String clientId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM webhook WHERE client_id = ?").bind(0, clientId)
                .mapTo(Long.class).one());
    }

    public List<Webhook> list(String clientId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM webhook WHERE client_id = ? "
                + "ORDER BY created_at, id").bind(0, clientId).map(WebhookStore::row).list());
    }

    public Optional<Webhook> find(String clientId, String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM webhook WHERE client_id = ? AND id = ?")
                .bind(0, clientId).bind(1, id).map(WebhookStore::row).findFirst());
    }

    Optional<Webhook> find(String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM webhook WHERE id = ?")
                .bind(0, id).map(WebhookStore::row).findFirst());
    }

    /** Deletes the endpoint and the messages still waiting for it. */
    public boolean delete(String clientId, String id) {
        return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM webhook WHERE client_id = ? AND id = ?")
                .bind(0, clientId).bind(1, id).execute()) == 1;
    }

    /** The decrypted secret, to sign with: never returned, never logged. */
    String secret(String webhookId) {
        String sealed = jdbi.withHandle(handle -> handle.createQuery("SELECT secret_sealed FROM webhook WHERE id = ?")
                .bind(0, webhookId).mapTo(String.class).one());
        String secret = secretBox.decrypt(sealed, webhookId);
        io.mailgate.platform.LogMasking.hide(secret);
        return secret;
    }

    @Override
    public void recorded(Handle handle, MailEvent event, MailEvents.Target mail) {
        List<String> endpoints = handle.createQuery("SELECT id, events FROM webhook WHERE client_id = ?").bind(0, mail.clientId())
                .map((rows, context) -> Map.entry(rows.getString("id"), rows.getString("events"))).list().stream()
                .filter(endpoint -> types(endpoint.getValue()).contains(event.type())).map(Map.Entry::getKey).toList();
        if (endpoints.isEmpty()) {
            return;
        }
        long now = clock.millis();
        String payload = payload(event);
        for (String webhookId : endpoints) {
            handle.createUpdate("INSERT INTO webhook_delivery (id, webhook_id, event_id, event_type, payload, status, attempts, "
                            + "next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)")
                    .bind(0, Ids.newId(now)).bind(1, webhookId).bind(2, event.id()).bind(3, event.type().wire()).bind(4, payload)
                    .bind(5, now).bind(6, now).bind(7, now).execute();
        }
    }

    /** The message body: {"type": "mail.bounced", "timestamp", "data": {"mail_id", "event"}}. */
    private String payload(MailEvent event) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("mail_id", event.mailId());
        data.put("event", MailViews.event(event));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "mail." + event.type().wire());
        body.put("timestamp", Instant.ofEpochMilli(event.occurredAt()).toString());
        body.put("data", data);
        return json.write(body);
    }

    /** One page of an endpoint's delivery log, newest first. */
    public List<Map<String, Object>> deliveries(String webhookId, int page, int size) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT id, event_id, event_type, status, attempts, next_attempt_at, "
                        + "last_status, last_error, created_at, updated_at FROM webhook_delivery WHERE webhook_id = ? "
                        + "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")
                .bind(0, webhookId).bind(1, size).bind(2, (long) (page - 1) * size)
                .map((rows, context) -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("id", rows.getString("id"));
                    item.put("event_id", rows.getString("event_id"));
                    item.put("event_type", rows.getString("event_type"));
                    String status = rows.getString("status");
                    item.put("status", status);
                    item.put("attempts", rows.getInt("attempts"));
                    if (status.equals("pending")) {
                        item.put("next_attempt_at", Instant.ofEpochMilli(rows.getLong("next_attempt_at")).toString());
                    }
                    int last = rows.getInt("last_status");
                    item.put("last_status", rows.wasNull() ? null : last);
                    item.put("last_error", rows.getString("last_error"));
                    item.put("created_at", Instant.ofEpochMilli(rows.getLong("created_at")).toString());
                    item.put("updated_at", Instant.ofEpochMilli(rows.getLong("updated_at")).toString());
                    return item;
                }).list());
    }

    public long countDeliveries(String webhookId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM webhook_delivery WHERE webhook_id = ?")
                .bind(0, webhookId).mapTo(Long.class).one());
    }

    static String wire(Set<MailEvent.Type> events) {
        return events.stream().map(MailEvent.Type::wire).sorted().collect(Collectors.joining(","));
    }

    static Set<MailEvent.Type> types(String wire) {
        Set<MailEvent.Type> types = EnumSet.noneOf(MailEvent.Type.class);
        Arrays.stream(wire.split(",")).filter(t -> !t.isBlank()).map(MailEvent.Type::of).forEach(types::add);
        return types;
    }

    private static Webhook row(ResultSet rows, StatementContext context) throws SQLException {
        return new Webhook(rows.getString("id"), rows.getString("client_id"), rows.getString("url"), types(rows.getString("events")),
                Optional.ofNullable(rows.getString("description")), rows.getLong("created_at"));
    }
}
