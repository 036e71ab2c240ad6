package io.mailgate.mail;

/** The outcome of storing a request: the mail, and whether it is new (false: a repeated idempotency key). */
public record AcceptedMail(Mail mail, boolean created) {
}
