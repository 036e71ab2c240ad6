package io.mailgate.platform.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mailgate.platform.http.ApiException;

/** The plain key=value query strings of the fidesops API (?page=1&size=50). */
public final class FidesQuery {

    private FidesQuery() {
    }

    public static Map<String, String> parse(String rawQuery) {
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return values;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            try {
                values.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiException.validation(List.of("query", name), "invalid percent-encoding");
            }
        }
        return values;
    }

    public static int positive(Map<String, String> query, String name, int fallback, int max) {
        String value = query.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= 1 && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.validation(List.of("query", name), "ensure this value is a whole number from 1 to " + max);
    }
}
