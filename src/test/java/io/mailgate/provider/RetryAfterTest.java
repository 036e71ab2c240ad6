package io.mailgate.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A provider's Retry-After (seconds or an HTTP date) is the wait it asks for; otherwise the schedule applies. */
class RetryAfterTest {

    @Test
    void secondsBecomeMilliseconds() {
        assertEquals(120_000L, RetryAfter.retryAfter(Map.of("Retry-After", "120")));
        assertEquals(0L, RetryAfter.retryAfter(Map.of("retry-after", "0")), "the header name is case-insensitive");
        assertEquals(5_000L, RetryAfter.retryAfter(Map.of("RETRY-AFTER", " 5 ")));
        assertEquals(0L, RetryAfter.retryAfter(Map.of("Retry-After", "-30")), "a negative delay is no delay");
    }

    @Test
    void anHttpDateBecomesTheTimeUntilThen() {
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60));
        long delay = RetryAfter.retryAfter(Map.of("Retry-After", inAMinute));
        assertTrue(delay > 55_000 && delay <= 60_000, Long.toString(delay));
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusHours(1));
        assertEquals(0L, RetryAfter.retryAfter(Map.of("Retry-After", past)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "soon", "1.5", "99999999999999999999999", "Tue, 31 Feb 2026 25:00:00 GMT"})
    void anythingElseLeavesTheBackoffInCharge(String value) {
        assertNull(RetryAfter.retryAfter(Map.of("Retry-After", value)));
    }

    @Test
    void noHeaderLeavesTheBackoffInCharge() {
        assertNull(RetryAfter.retryAfter(null));
        assertNull(RetryAfter.retryAfter(Map.of("Content-Type", "application/json")));
    }
}
