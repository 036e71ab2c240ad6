package io.mailgate.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** fidesops' masking strategies, applied to Mailgate's own records. */
class MaskingTest {

    private static Masking of(String strategy, Map<String, Object> configuration) {
        return Masking.of(Map.of("strategy", strategy, "configuration", configuration));
    }

    @Test
    void nullRewriteNullsAndEmptiesWhatMustHaveAValue() {
        Masking masking = of("null_rewrite", Map.of());
        assertNull(masking.mask("subject@example.com", 320));
        assertEquals("", masking.maskRequired("subject@example.com", 320));
        assertNull(masking.mask(null, 320));
    }

    @Test
    void stringRewriteWritesTheConfiguredValueWithinTheColumn() {
        assertEquals("MASKED", of("string_rewrite", Map.of("rewrite_value", "MASKED")).mask("secret", 320));
        assertEquals("MAS", of("string_rewrite", Map.of("rewrite_value", "MASKED")).mask("secret", 3));
    }

    @Test
    void hashAndHmacAreOneWayAndSaltedPerErasure() {
        Masking hash = of("hash", Map.of());
        assertEquals(64, hash.mask("subject@example.com", 320).length());
        assertEquals(hash.mask("a", 320), hash.mask("a", 320), "one erasure masks one value the same way everywhere");
        assertNotEquals(hash.mask("a", 320), of("hash", Map.of()).mask("a", 320), "a fresh salt per erasure");
        assertEquals(128, of("hash", Map.of("algorithm", "SHA-512")).mask("a", 320).length());
        assertEquals(64, of("hmac", Map.of()).mask("a", 320).length());
    }

    @Test
    void randomStringRewriteHasTheConfiguredLength() {
        assertEquals(30, of("random_string_rewrite", Map.of()).mask("x", 320).length());
        assertEquals(12, of("random_string_rewrite", Map.of("length", 12)).mask("x", 320).length());
        assertTrue(of("random_string_rewrite", Map.of("length", 5000)).mask("x", 320).length() <= 320);
    }

    @Test
    void aesEncryptIsNotErasureOfWhatMailgateHoldsTheKeyTo() {
        Masking masking = of("aes_encrypt", Map.of("mode", "GCM"));
        assertEquals("null_rewrite", masking.strategy());
        assertNull(masking.mask("subject@example.com", 320));
        assertEquals("null_rewrite", Masking.of(null).strategy());
    }
}
