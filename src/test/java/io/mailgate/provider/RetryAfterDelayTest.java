package io.mailgate.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A provider's Retry-After (seconds or an HTTP date) sets the next delay, capped; otherwise the backoff applies. */
class RetryAfterDelayTest {

    @Test
    void secondsBecomeMilliseconds() {
        assertEquals(120_000L, RetryAfterDelay.retryAfter(Map.of("Retry-After", "120")));
        assertEquals(0L, RetryAfterDelay.retryAfter(Map.of("retry-after", "0")), "the header name is case-insensitive");
        assertEquals(5_000L, RetryAfterDelay.retryAfter(Map.of("RETRY-AFTER", " 5 ")));
        assertEquals(0L, RetryAfterDelay.retryAfter(Map.of("Retry-After", "-30")), "a negative delay is no delay");
    }

    @Test
    void anHttpDateBecomesTheTimeUntilThen() {
        String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60));
        long delay = RetryAfterDelay.retryAfter(Map.of("Retry-After", inAMinute));
        assertTrue(delay > 55_000 && delay <= 60_000, Long.toString(delay));
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusHours(1));
        assertEquals(0L, RetryAfterDelay.retryAfter(Map.of("Retry-After", past)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "soon", "1.5", "99999999999999999999999", "Tue, 31 Feb 2026 25:00:00 GMT"})
    void anythingElseLeavesTheBackoffInCharge(String value) {
        assertNull(RetryAfterDelay.retryAfter(Map.of("Retry-After", value)));
    }

    @Test
    void noHeaderLeavesTheBackoffInCharge() {
        assertNull(RetryAfterDelay.retryAfter(null));
        assertNull(RetryAfterDelay.retryAfter(Map.of("Content-Type", "application/json")));
    }

    @Test
    void theProcessorSetsTheCappedDelayOrClearsAnOldOne() {
        RetryAfterDelay delay = new RetryAfterDelay(30_000);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());

        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, ProviderErrorsTest.http(429, Map.of("Retry-After", "10"), ""));
        delay.process(exchange);
        assertEquals(10_000L, exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class));

        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, ProviderErrorsTest.http(503, Map.of("Retry-After", "3600"), ""));
        delay.process(exchange);
        assertEquals(30_000L, exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class), "a day-long ask is capped");

        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("SMTP trouble"));
        delay.process(exchange);
        assertFalse(exchange.getIn().getHeaders().containsKey(Exchange.REDELIVERY_DELAY), "the previous attempt's delay is gone");
    }
}
