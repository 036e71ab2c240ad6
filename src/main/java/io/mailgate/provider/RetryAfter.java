package io.mailgate.provider;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * A provider's Retry-After (seconds or an HTTP date) as the wait it asks for: the next attempt of a
 * deferred mail is not scheduled earlier (DeliveryClaims caps it at mailgate.delivery.max-retry-after).
 */
final class RetryAfter {

    private RetryAfter() {
    }

    /** The wait in milliseconds; null when the headers ask for none that can be read. */
    static Long retryAfter(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        String value = headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Retry-After"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim())) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
