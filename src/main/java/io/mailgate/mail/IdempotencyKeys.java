package io.mailgate.mail;

import io.mailgate.platform.http.ApiException;

/** Reads the idempotency key of a request: the Idempotency-Key header, or a queue message's property or id. */
public class IdempotencyKeys {

    static final int MAX_LENGTH = 255;

    /** The Idempotency-Key header, or null when there is none. */
    public String fromHeader(Object header) {
        if (header == null) {
            return null;
        }
        if (!(header instanceof String key) || key.isBlank() || key.length() > MAX_LENGTH || Headers.hasControlCharacters(key)) {
            throw ApiException.fieldFormat("Idempotency-Key",
                    "The Idempotency-Key header must be one value of 1 to " + MAX_LENGTH + " printable characters");
        }
        return key;
    }

    /** A queue message's idempotency_key property, else its message id (the same on every redelivery). */
    public String forQueueMessage(Object property, Object messageId) {
        if (property != null) {
            return fromHeader(String.valueOf(property));
        }
        return messageId == null ? null : fromHeader(String.valueOf(messageId));
    }
}
