package io.mailgate.mail;

import io.mailgate.platform.http.ApiException;
import io.mailgate.security.Secrets;

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

    /**
     * A queue message's idempotency_key property, else its message id, the same on every redelivery. A message
     * that came in over AMQP keeps its producer's message-id in NATIVE_MESSAGE_ID: Artemis gives it a fresh
     * JMSMessageID each time it converts it for a core consumer (after a restart, another one), unless that id
     * is a UUID. A message id that is no valid key (too long, control characters) is used as its SHA-256.
     */
    public String forQueueMessage(Object property, Object nativeMessageId, Object messageId) {
        if (property != null) {
            return fromHeader(String.valueOf(property));
        }
        Object id = nativeMessageId != null ? nativeMessageId : messageId;
        if (id == null) {
            return null;
        }
        String key = String.valueOf(id);
        if (key.isBlank() || key.length() > MAX_LENGTH || Headers.hasControlCharacters(key)) {
            return "sha256:" + Secrets.sha256(key);
        }
        return key;
    }
}
