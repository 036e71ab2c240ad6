package io.mailgate.platform.rql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Applies RQL {@code select(a,b.c)} to a JSON object: keeps only the named (dotted) paths. */
public final class Selection {

    private Selection() {
    }

    public static Map<String, Object> apply(Map<String, Object> object, List<String> paths) {
        if (paths.isEmpty()) {
            return object;
        }
        Map<String, Object> selected = new LinkedHashMap<>();
        for (String path : paths) {
            copy(object, selected, path.split("\\."), 0);
        }
        return selected;
    }

    @SuppressWarnings("unchecked")
    private static void copy(Map<String, Object> from, Map<String, Object> to, String[] path, int index) {
        String key = path[index];
        if (!from.containsKey(key)) {
            return;
        }
        Object value = from.get(key);
        if (index == path.length - 1 || !(value instanceof Map)) {
            to.put(key, value);
            return;
        }
        Map<String, Object> child = (Map<String, Object>) to.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
        copy((Map<String, Object>) value, child, path, index + 1);
    }
}
