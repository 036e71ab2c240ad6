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

    /** Every value of each name, for a name given more than once (?connection_type=a&connection_type=b). */
    public static Map<String, java.util.List<String>> parseAll(String rawQuery) {
        Map<String, java.util.List<String>> values = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return values;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            try {
                values.computeIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), k -> new java.util.ArrayList<>())
                        .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiException.validation(List.of("query", name), "invalid percent-encoding");
            }
        }
        return values;
    }

    /** A boolean the way pydantic reads one (true/false, 1/0, yes/no, on/off, any case), or the fallback when absent. */
    public static Boolean bool(Map<String, String> query, String name, Boolean fallback) {
        String value = query.get(name);
        if (value == null) {
            return fallback;
        }
        switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes", "on", "y", "t" -> {
                return true;
            }
            case "false", "0", "no", "off", "n", "f" -> {
                return false;
            }
            default -> throw ApiException.validation(List.of("query", name), "value could not be parsed to a boolean");
        }
    }

    /** One of the allowed values, or null when absent; anything else is pydantic's enumeration error. */
    public static String oneOf(String value, String name, java.util.List<String> allowed) {
        if (value == null) {
            return null;
        }
        if (!allowed.contains(value)) {
            throw ApiException.validation(List.of("query", name), "value is not a valid enumeration member; permitted: "
                    + String.join(", ", allowed.stream().map(a -> "'" + a + "'").toList()));
        }
        return value;
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
