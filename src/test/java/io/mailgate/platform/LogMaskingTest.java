package io.mailgate.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Every secret Mailgate holds, and any Basic or Bearer credential, is masked in every log line. */
class LogMaskingTest {

    @Test
    void knownSecretsAndCredentialHeadersAreMasked() {
        LogMasking.hide(List.of("key-0123456789", "short"));
        assertEquals("Found local property: apiKey with value: ****** to be used",
                LogMasking.mask("Found local property: apiKey with value: key-0123456789 to be used"));
        assertEquals("authPassword=RAW(******)&x=1", LogMasking.mask("authPassword=RAW(key-0123456789)&x=1"));
        assertEquals("a short word stays", LogMasking.mask("a short word stays"), "values under six characters are not masked");
        assertEquals(">> Authorization: Basic ******", LogMasking.mask(">> Authorization: Basic YXBpOmtleS0wMTIzNDU2Nzg5"));
        assertEquals("Bearer ******", LogMasking.mask("Bearer eyJhbGciOiJIUzI1NiJ9.abc"));
        assertEquals(null, LogMasking.mask(null));
    }
}
