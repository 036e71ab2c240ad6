package io.mailgate.template.language;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.github.jknack.handlebars.Handlebars;

/**
 * Arrays and strings: {@code length}, {@code includes} (an element of an array, or a part of a
 * string), {@code join} (an array's elements, or the arguments, with {@code sep=}, default ", ");
 * and {@code toJsonString}, JSON.stringify with {@code </script} written {@code <\/script}.
 */
final class ListHelpers {

    private static final Pattern SCRIPT_END = Pattern.compile("</(script)", Pattern.CASE_INSENSITIVE);

    private ListHelpers() {
    }

    static void addTo(HelperCatalog catalog) {
        catalog.add("length", Signature.inlineOnly(Signature.Call.of(1, 1)), (context, options) -> {
            Object value = HelperArguments.of(context, options).get(0);
            if (value instanceof List<?> list) {
                return (double) list.size();
            }
            if (value instanceof CharSequence text) {
                return (double) text.length();
            }
            return null;
        });
        catalog.add("includes", Signature.both(Signature.Call.of(2, 2)), (context, options) -> {
            List<Object> arguments = HelperArguments.of(context, options);
            return HelperArguments.answer(includes(arguments.get(0), arguments.get(1)), options);
        });
        catalog.add("join", Signature.inlineOnly(Signature.Call.of(1, Integer.MAX_VALUE).withOptions(Set.of("sep"))),
                (context, options) -> {
                    Object separator = options.hash.get("sep");
                    List<Object> items = new ArrayList<>();
                    for (Object argument : HelperArguments.of(context, options)) {
                        if (argument instanceof List<?> list) {
                            items.addAll(list);
                        } else {
                            items.add(argument);
                        }
                    }
                    return items.stream().map(item -> item == null ? "" : JsValues.toText(item))
                            .collect(Collectors.joining(separator == null ? ", " : JsValues.toText(separator)));
                });
        catalog.add("toJsonString", Signature.inlineOnly(Signature.Call.of(1, 1)), (context, options) -> {
            String json = json(HelperArguments.of(context, options).get(0));
            return SCRIPT_END.matcher(json).replaceAll(match -> Matcher.quoteReplacement("<\\/" + match.group(1)));
        });
    }

    static boolean includes(Object haystack, Object needle) {
        if (haystack instanceof List<?> list) {
            return list.stream().anyMatch(element -> JsValues.sameValueZero(element, needle));
        }
        if (haystack instanceof CharSequence text) {
            return text.toString().contains(needle == null ? "undefined" : JsValues.toText(needle));
        }
        return false;
    }

    /** JSON.stringify: numbers as JavaScript prints them, NaN and Infinity as null. */
    static String json(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Handlebars.SafeString safe) {
            return json(safe.toString());
        }
        if (value instanceof CharSequence text) {
            return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text.toString())) + "\"";
        }
        if (value instanceof Number number) {
            double d = number.doubleValue();
            return Double.isNaN(d) || Double.isInfinite(d) ? "null" : JsValues.number(d);
        }
        if (value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ListHelpers::json).collect(Collectors.joining(",", "[", "]"));
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(entry -> json(String.valueOf(entry.getKey())) + ":" + json(entry.getValue()))
                    .collect(Collectors.joining(",", "{", "}"));
        }
        return json(value.toString());
    }
}
