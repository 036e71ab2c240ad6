package io.mailgate.mail;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mailgate.security.Secrets;

/** A hash of a JSON document that ignores key order and white space: the same request, the same hash. */
final class CanonicalJson {

    private CanonicalJson() {
    }

    static String sha256(ObjectMapper mapper, JsonNode node) {
        return Secrets.sha256(canonical(mapper, node).toString());
    }

    private static JsonNode canonical(ObjectMapper mapper, JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                sorted.put(field.getKey(), canonical(mapper, field.getValue()));
            }
            ObjectNode object = mapper.createObjectNode();
            sorted.forEach(object::set);
            return object;
        }
        if (node.isArray()) {
            ArrayNode array = mapper.createArrayNode();
            node.forEach(element -> array.add(canonical(mapper, element)));
            return array;
        }
        return node;
    }
}
