package io.mailgate.mail;

import java.util.Map;

import io.mailgate.platform.rql.Field;
import io.mailgate.platform.rql.RqlToSql;

/** The fields of a Mail that RQL can filter, sort and select on, and where each is stored. */
public final class MailFields {

    private MailFields() {
    }

    public static RqlToSql rql() {
        return new RqlToSql(Map.ofEntries(
                Map.entry("id", text("m.id")),
                Map.entry("creator_id", text("m.creator_id")),
                Map.entry("aws_message_id", text("m.provider_message_id")),
                Map.entry("from", text("m.from_address")),
                Map.entry("subject", text("m.subject")),
                Map.entry("body", text("m.body")),
                Map.entry("template_id", text("m.template_id")),
                Map.entry("template_name", text("m.template_name")),
                Map.entry("language", text("m.language")),
                Map.entry("time_zone", text("m.time_zone")),
                Map.entry("status", text("m.status")),
                Map.entry("provider", text("m.provider")),
                Map.entry("views", number("m.views")),
                Map.entry("attempts", number("m.attempts")),
                Map.entry("next_attempt_timestamp", number("m.next_attempt_at")),
                Map.entry("creation_timestamp", number("m.creation_timestamp")),
                Map.entry("update_timestamp", number("m.update_timestamp")),
                Map.entry("recipients.to", addresses("to")),
                Map.entry("recipients.cc", addresses("cc")),
                Map.entry("recipients.bcc", addresses("bcc")),
                Map.entry("reply_to", addresses("reply_to")),
                Map.entry("events.type", events("type")),
                Map.entry("events.recipient", events("recipient")),
                Map.entry("events.bounce", events("bounce")),
                Map.entry("events.source", events("source"))), "m.id");
    }

    private static Field text(String column) {
        return new Field.Column(column, false);
    }

    private static Field number(String column) {
        return new Field.Column(column, true);
    }

    /** A field of the mail's events: a mail matches when any of its events does. */
    private static Field events(String column) {
        return new Field.Elements("mail_event", "mail_id", null, null, column);
    }

    private static Field addresses(String kind) {
        return new Field.Elements("mail_address", "mail_id", "kind", kind, "address");
    }
}
