package io.mailgate.template.language;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.jknack.handlebars.ValueResolver;

/**
 * How a path reads the template model, as JavaScript would: a map's key, a list's index or
 * {@code length}, a string's {@code length}. Nothing else: no getters or methods of Java objects.
 */
final class JsValueResolver implements ValueResolver {

    static final JsValueResolver INSTANCE = new JsValueResolver();

    @Override
    public Object resolve(Object context, String name) {
        if (context instanceof Map<?, ?> map) {
            return map.containsKey(name) ? map.get(name) : UNRESOLVED;
        }
        if (context instanceof List<?> list) {
            if (name.equals("length")) {
                return (double) list.size();
            }
            int index = index(name);
            return index >= 0 && index < list.size() ? list.get(index) : UNRESOLVED;
        }
        if (context instanceof CharSequence text && name.equals("length")) {
            return (double) text.length();
        }
        return UNRESOLVED;
    }

    @Override
    public Object resolve(Object context) {
        return context instanceof Map<?, ?> || context instanceof List<?> || context instanceof CharSequence
                || context instanceof Number || context instanceof Boolean ? context : UNRESOLVED;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Set<Map.Entry<String, Object>> propertySet(Object context) {
        if (context instanceof Map<?, ?> map) {
            Map<String, Object> properties = new LinkedHashMap<>();
            map.forEach((key, value) -> properties.put(String.valueOf(key), value));
            return properties.entrySet();
        }
        return Set.of();
    }

    private static int index(String name) {
        if (name.isEmpty() || name.length() > 9) {
            return -1;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return -1;
            }
        }
        return Integer.parseInt(name);
    }
}
