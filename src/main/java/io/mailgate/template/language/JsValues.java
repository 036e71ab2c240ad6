package io.mailgate.template.language;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * JavaScript's value semantics, for helpers that must answer what Extra Horizon's Handlebars.js
 * helpers answer: inputs become maps, lists, strings, doubles and booleans; {@code null} stands for
 * both {@code null} and {@code undefined} (a missing path). Numbers print as JavaScript prints them
 * ({@code 5}, not {@code 5.0}); {@code ==} and {@code <} coerce as JavaScript does.
 */
public final class JsValues {

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*([eE][+-]?\\d+)?|\\.\\d+([eE][+-]?\\d+)?)");
    private static final Pattern RADIX = Pattern.compile("0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)");

    private JsValues() {
    }

    /** A JSON value as the template model sees it: every number a double, as in JavaScript. */
    public static Object fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                map.put(field.getKey(), fromJson(field.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(element -> list.add(fromJson(element)));
            return list;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.asText();
    }

    /** JavaScript truthiness: false, 0, NaN, "" and null/undefined are false; arrays and objects are true. */
    public static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean bool) {
            return bool;
        }
        if (value instanceof Number number) {
            double d = number.doubleValue();
            return d != 0 && !Double.isNaN(d);
        }
        if (value instanceof CharSequence text) {
            return text.length() > 0;
        }
        return true;
    }

    /** JavaScript's ToNumber. */
    public static double toNumber(Object value) {
        if (value == null) {
            return Double.NaN;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        if (value instanceof Boolean bool) {
            return bool ? 1 : 0;
        }
        if (value instanceof CharSequence text) {
            return stringToNumber(text.toString());
        }
        if (value instanceof List<?>) {
            return stringToNumber(toText(value));
        }
        return Double.NaN;
    }

    private static double stringToNumber(String raw) {
        String text = raw.strip().replace("\uFEFF", "");
        if (text.isEmpty()) {
            return 0;
        }
        switch (text) {
            case "Infinity", "+Infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-Infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
            }
        }
        if (RADIX.matcher(text).matches()) {
            int radix = switch (Character.toLowerCase(text.charAt(1))) {
                case 'x' -> 16;
                case 'o' -> 8;
                default -> 2;
            };
            return new java.math.BigInteger(text.substring(2), radix).doubleValue();
        }
        return DECIMAL.matcher(text).matches() ? Double.parseDouble(text) : Double.NaN;
    }

    /** JavaScript's ToString, as a template prints a value or a helper joins it. */
    public static String toText(Object value) {
        if (value == null) {
            return "undefined";
        }
        if (value instanceof Double || value instanceof Float) {
            return number(((Number) value).doubleValue());
        }
        if (value instanceof List<?> list) {
            return list.stream().map(e -> e == null ? "" : toText(e)).collect(Collectors.joining(","));
        }
        if (value instanceof Map<?, ?>) {
            return "[object Object]";
        }
        return value.toString();
    }

    /** JavaScript's Number.prototype.toString(): {@code 5}, {@code 0.1}, {@code 1e+21}, {@code NaN}. */
    public static String number(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (d == 0) {
            return "0";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d < 0) {
            return "-" + number(-d);
        }
        BigDecimal decimal = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = decimal.unscaledValue().toString();
        int k = digits.length();
        int n = k - decimal.scale();
        if (k <= n && n <= 21) {
            return digits + "0".repeat(n - k);
        }
        if (0 < n && n <= 21) {
            return digits.substring(0, n) + "." + digits.substring(n);
        }
        if (-6 < n && n <= 0) {
            return "0." + "0".repeat(-n) + digits;
        }
        String exponent = (n - 1 >= 0 ? "+" : "-") + Math.abs(n - 1);
        return k == 1 ? digits + "e" + exponent : digits.charAt(0) + "." + digits.substring(1) + "e" + exponent;
    }

    /** JavaScript's {@code a == b} for template values. */
    public static boolean looselyEqual(Object a, Object b) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        if (isObject(a) && isObject(b)) {
            return a == b;
        }
        if (isObject(a)) {
            return looselyEqual(toPrimitive(a), b);
        }
        if (isObject(b)) {
            return looselyEqual(a, toPrimitive(b));
        }
        if (a instanceof CharSequence && b instanceof CharSequence) {
            return a.toString().equals(b.toString());
        }
        if (a instanceof Boolean && b instanceof Boolean) {
            return a.equals(b);
        }
        return toNumber(a) == toNumber(b);
    }

    /** JavaScript's {@code a === b}, with NaN equal to itself ({@code Array.prototype.includes}). */
    public static boolean sameValueZero(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            double dx = x.doubleValue();
            double dy = y.doubleValue();
            return dx == dy || Double.isNaN(dx) && Double.isNaN(dy);
        }
        if (a instanceof CharSequence && b instanceof CharSequence) {
            return a.toString().equals(b.toString());
        }
        if (isObject(a) || isObject(b)) {
            return a == b;
        }
        return a == null ? b == null : a.equals(b);
    }

    /**
     * JavaScript's relational comparison: negative, zero or positive, or null when the answer is
     * undefined (a NaN), for which every one of {@code < <= > >=} is false.
     */
    public static Integer compare(Object a, Object b) {
        Object x = isObject(a) ? toPrimitive(a) : a;
        Object y = isObject(b) ? toPrimitive(b) : b;
        if (x instanceof CharSequence && y instanceof CharSequence) {
            return Integer.signum(x.toString().compareTo(y.toString()));
        }
        double dx = toNumber(x);
        double dy = toNumber(y);
        if (Double.isNaN(dx) || Double.isNaN(dy)) {
            return null;
        }
        return Double.compare(dx == 0 ? 0 : dx, dy == 0 ? 0 : dy);
    }

    private static boolean isObject(Object value) {
        return value instanceof Map<?, ?> || value instanceof List<?>;
    }

    private static Object toPrimitive(Object value) {
        return toText(value);
    }
}
