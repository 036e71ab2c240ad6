package io.mailgate.mail;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mailgate.platform.rql.RqlToSql;
import io.mailgate.platform.rql.Pages;
import io.mailgate.platform.rql.SqlQuery;
import io.mailgate.platform.Json;

/** The JSON faces of mails: the Mail object of API.md §2 and the Extra Horizon list envelope. */
public class MailViews {

    private final Json json;
    private final MailRecords store;
    private final MailEvents events;
    private final RqlToSql rql = MailFields.rql();

    public MailViews(Json json, MailRecords store, MailEvents events) {
        this.json = json;
        this.store = store;
        this.events = events;
    }

    /** A mail just accepted: nothing has happened to it yet. */
    public String json(Mail mail) {
        return json.write(view(mail, List.of()));
    }

    /** GET /mail/v1/?rql */
    public String list(String rawQuery) {
        SqlQuery query = rql.translate(rawQuery);
        MailRecords.Page page = store.list(query, false);
        Map<String, List<MailEvent>> happened = events.of(page.mails().stream().map(Mail::id).toList());
        return json.write(Pages.envelope(query, page.mails().stream().map(mail -> view(mail, happened.getOrDefault(mail.id(), List.of())))
                .toList(), page.total()));
    }

    /**
     * GET /mail/v1/queued?rql: the mails not (yet) sent, as Extra Horizon's QueuedMail (the message
     * as it will go out: to, cc, bcc, subject, text, html, template_data), with why a failed one failed.
     */
    public String queued(String rawQuery) {
        SqlQuery query = rql.translate(rawQuery);
        MailRecords.Page page = store.list(query, true);
        List<String> ids = page.mails().stream().map(Mail::id).toList();
        Map<String, ComposedMail.Rendering> renderings = store.renderings(ids);
        Map<String, List<MailEvent>> happened = events.of(ids);
        List<Map<String, Object>> records = page.mails().stream().map(mail -> queuedView(mail, renderings.get(mail.id()),
                happened.getOrDefault(mail.id(), List.of()))).toList();
        return json.write(Pages.envelope(query, records, page.total()));
    }

    private Map<String, Object> queuedView(Mail mail, ComposedMail.Rendering rendering, List<MailEvent> happened) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", mail.id());
        view.put("status", mail.status().wire());
        view.put("from", mail.from());
        view.put("to", mail.recipients().to());
        view.put("cc", mail.recipients().cc());
        view.put("bcc", mail.recipients().bcc());
        if (!mail.replyTo().isEmpty()) {
            view.put("reply_to", String.join(", ", mail.replyTo()));
        }
        if (mail.subject() != null) {
            view.put("subject", mail.subject());
        }
        if (rendering != null) {
            if (rendering.text() != null) {
                view.put("text", rendering.text());
            }
            if (rendering.html() != null) {
                view.put("html", rendering.html());
            }
        } else if (mail.body() != null) {
            view.put("text", mail.body());
        }
        if (mail.templateId().isPresent() || mail.templateName().isPresent()) {
            Map<String, Object> template = new LinkedHashMap<>();
            mail.templateId().ifPresent(value -> template.put("template_id", value));
            mail.templateName().ifPresent(value -> template.put("template_name", value));
            mail.language().ifPresent(value -> template.put("language", value));
            mail.timeZone().ifPresent(value -> template.put("time_zone", value));
            mail.contentJson().ifPresent(value -> template.put("content", json.readTree(value)));
            view.put("template_data", template);
        }
        mail.provider().ifPresent(value -> view.put("provider", value));
        mail.failureReason().ifPresent(value -> view.put("failure_reason", value));
        putDelivery(view, mail);
        view.put("events", events(happened));
        view.put("creation_timestamp", mail.creationTimestamp());
        view.put("update_timestamp", mail.updateTimestamp());
        return view;
    }

    /**
     * Where delivery stands (keys Extra Horizon's Mail does not have, so its clients ignore them): the
     * attempts made, when the next is due and why the last could not deliver, the recipients still to
     * deliver and those a server refused.
     */
    private static void putDelivery(Map<String, Object> view, Mail mail) {
        Mail.Attempts attempts = mail.attempts();
        view.put("attempts", attempts.count());
        attempts.nextAttemptAt().ifPresent(value -> view.put("next_attempt_timestamp", value));
        if (mail.status() == Mail.Status.QUEUED || mail.status() == Mail.Status.SENDING) {
            attempts.lastError().ifPresent(value -> view.put("last_error", value));
        }
        if (!attempts.pending().isEmpty()) {
            view.put("pending_recipients", attempts.pending());
        }
        if (!attempts.refused().isEmpty()) {
            view.put("refused_recipients", attempts.refused().stream().map(refusal -> {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("address", refusal.address());
                item.put("code", refusal.code());
                item.put("response", refusal.response());
                item.put("permanent", refusal.permanent());
                return item;
            }).toList());
        }
    }

    /**
     * What happened after the send, oldest first: {@code type}, {@code timestamp}, {@code recipient} and
     * {@code detail} always; {@code bounce} (hard, soft) for a bounce, {@code machine} for an open, and
     * {@code source}, who reported it.
     */
    static List<Map<String, Object>> events(List<MailEvent> happened) {
        return happened.stream().map(MailViews::event).toList();
    }

    /** One event as a Mail shows it (and as webhooks send it). */
    public static Map<String, Object> event(MailEvent event) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", event.id());
        item.put("type", event.type().wire());
        item.put("timestamp", event.occurredAt());
        item.put("recipient", event.recipient().orElse(null));
        item.put("detail", event.detail().orElse(null));
        event.bounce().ifPresent(bounce -> item.put("bounce", bounce.wire()));
        if (event.type() == MailEvent.Type.OPENED) {
            item.put("machine", event.machine());
        }
        item.put("source", event.source());
        return item;
    }

    private Map<String, Object> view(Mail mail, List<MailEvent> happened) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", mail.id());
        view.put("creator_id", mail.creatorId());
        mail.providerMessageId().ifPresent(id -> view.put("aws_message_id", id));
        view.put("from", mail.from());
        view.put("reply_to", mail.replyTo());
        Map<String, Object> recipients = new LinkedHashMap<>();
        recipients.put("to", mail.recipients().to());
        recipients.put("cc", mail.recipients().cc());
        recipients.put("bcc", mail.recipients().bcc());
        view.put("recipients", recipients);
        if (mail.subject() != null) {
            view.put("subject", mail.subject());
        }
        if (mail.body() != null) {
            view.put("body", mail.body());
        }
        mail.templateId().ifPresent(value -> view.put("template_id", value));
        mail.templateName().ifPresent(value -> view.put("template_name", value));
        mail.language().ifPresent(value -> view.put("language", value));
        mail.timeZone().ifPresent(value -> view.put("time_zone", value));
        mail.contentJson().ifPresent(value -> view.put("content", json.readTree(value)));
        view.put("views", mail.views());
        view.put("status", mail.status().wire());
        mail.provider().ifPresent(value -> view.put("provider", value));
        putDelivery(view, mail);
        putOptions(view, mail);
        view.put("events", events(happened));
        view.put("creation_timestamp", mail.creationTimestamp());
        view.put("update_timestamp", mail.updateTimestamp());
        return view;
    }

    /** The options the send asked for, when it asked for any. */
    private static void putOptions(Map<String, Object> view, Mail mail) {
        if (mail.options().listUnsubscribe()) {
            view.put("list_unsubscribe", true);
        }
        if (mail.options().ignoreSuppression()) {
            view.put("ignore_suppression", true);
        }
    }
}
