package io.mailgate.feedback;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Scanners, missing user agents and opens within seconds of delivery are machines'; a person's later open is not. */
class MachineOpensTest {

    private static final String THUNDERBIRD = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.3.0";
    private final MachineOpens opens = new MachineOpens(10);

    @Test
    void aPersonOpeningLaterIsNotAMachine() {
        assertFalse(opens.isMachine(Optional.of(THUNDERBIRD), Optional.of(1_000L), 1_000L + 60_000));
        assertFalse(opens.isMachine(Optional.of(THUNDERBIRD), Optional.empty(), 5_000L), "not sent yet: no delivery time to go by");
    }

    @Test
    void anOpenWithinSecondsOfDeliveryIsAPrefetch() {
        assertTrue(opens.isMachine(Optional.of("Mozilla/5.0"), Optional.of(1_000L), 1_000L + 3_000));
    }

    @Test
    void scannersAndMissingUserAgentsAreMachines() {
        assertTrue(opens.isMachine(Optional.of("Mozilla/5.0 (compatible; Barracuda Sentinel)"), Optional.of(0L), 3_600_000L));
        assertTrue(opens.isMachine(Optional.of("python-requests/2.31"), Optional.empty(), 0L));
        assertTrue(opens.isMachine(Optional.empty(), Optional.of(0L), 3_600_000L));
        assertTrue(opens.isMachine(Optional.of("  "), Optional.of(0L), 3_600_000L));
    }
}
