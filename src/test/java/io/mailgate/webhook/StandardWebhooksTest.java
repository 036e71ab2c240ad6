package io.mailgate.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;

import org.junit.jupiter.api.Test;

/**
 * Mailgate signs as the Standard Webhooks reference implementations do (their published test vector),
 * so that an application's existing library accepts what it sends; and an endpoint may not be on an
 * address inside the network Mailgate runs in.
 */
class StandardWebhooksTest {

    @Test
    void theSignatureIsThePublishedTestVectors() {
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", StandardWebhooks.signature(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}"));
    }

    @Test
    void aNewSecretIsThirtyTwoRandomBytesBehindThePrefix() {
        String secret = StandardWebhooks.newSecret();
        assertTrue(secret.startsWith("whsec_"));
        assertEquals(32, Base64.getDecoder().decode(secret.substring(6)).length);
        assertFalse(secret.equals(StandardWebhooks.newSecret()));
    }

    @Test
    void loopbackPrivateAndLinkLocalAddressesArePrivate() {
        for (String host : new String[] {"127.0.0.1", "localhost", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "::1",
                "fd12:3456::1", "fe80::1", "0.0.0.0"}) {
            assertTrue(WebhookSender.privateAddress(host), host);
        }
        for (String host : new String[] {"93.184.216.34", "2606:4700:4700::1111", "8.8.8.8"}) {
            assertFalse(WebhookSender.privateAddress(host), host);
        }
    }
}
