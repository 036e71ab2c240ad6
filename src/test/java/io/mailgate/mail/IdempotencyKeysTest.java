package io.mailgate.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.mailgate.platform.http.ApiException;

class IdempotencyKeysTest {

    private final IdempotencyKeys keys = new IdempotencyKeys();

    @Test
    void theProducersPropertyWinsAndIsValidated() {
        assertEquals("order-7", keys.forQueueMessage("order-7", "ID:amqp:1", "ID:core"));
        assertThrows(ApiException.class, () -> keys.forQueueMessage("x".repeat(256), null, "ID:core"));
        assertThrows(ApiException.class, () -> keys.forQueueMessage("a\r\nb", null, "ID:core"));
    }

    @Test
    void anAmqpMessageIsKnownByItsOwnMessageIdNotTheOneTheBrokerGaveIt() {
        assertEquals("ID:qpid:1:1:1-1", keys.forQueueMessage(null, "ID:qpid:1:1:1-1", "ID:random-per-conversion"));
        assertEquals("ID:core", keys.forQueueMessage(null, null, "ID:core"));
        assertNull(keys.forQueueMessage(null, null, null));
    }

    @Test
    void aMessageIdThatIsNoValidKeyIsUsedAsItsDigest() {
        String key = keys.forQueueMessage(null, "m".repeat(4000), null);
        assertTrue(key.startsWith("sha256:") && key.length() == 71, key);
        assertEquals(key, keys.forQueueMessage(null, "m".repeat(4000), "ID:other"));
        assertTrue(keys.forQueueMessage(null, "a\nb", null).startsWith("sha256:"));
    }
}
