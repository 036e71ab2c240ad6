package io.mailgate.template;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.Json;

/**
 * Reads and checks template bodies of POST and PUT /templates/v2. Any set of outputs is a template
 * (Extra Horizon's templates render any text); a mail needs {@code subject} and {@code body}, which
 * is checked when a mail names the template.
 */
public class TemplateRequests {

    private static final Set<String> FIELDS = Set.of("name", "description", "inputs", "outputs");
    /** Read-only fields a client may send back unchanged after a GET; they are ignored. */
    private static final Set<String> READ_ONLY = Set.of("id", "creation_timestamp", "update_timestamp");
    private static final int MAX_OUTPUT = 1_000_000;
    private static final int MAX_OUTPUTS = 50;
    private static final int MAX_OUTPUT_NAME = 100;

    private final Json json;
    private final TemplateRenderer renderer;

    public TemplateRequests(Json json, TemplateRenderer renderer) {
        this.json = json;
        this.renderer = renderer;
    }

    public TemplateDraft create(Object body) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        rejectUnknown(root);
        if (!root.has("name") || !root.has("outputs")) {
            List<String> missing = root.has("name") ? List.of("outputs") : root.has("outputs") ? List.of("name")
                    : List.of("name", "outputs");
            throw new ApiException(ErrorCode.MISSING_REQUIRED_FIELDS, "Missing required fields: " + String.join(", ", missing),
                    Map.of("missingFields", missing), List.of("body", missing.get(0)));
        }
        return draft(root, null);
    }

    /** An update: fields not given keep their current value. */
    public TemplateDraft update(Object body, Template current) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        rejectUnknown(root);
        return draft(root, current);
    }

    private TemplateDraft draft(JsonNode root, Template current) {
        String name = root.has("name") ? TemplateFields.name(root.get("name")) : current.name();
        String description = root.has("description") ? TemplateFields.description(root.get("description"))
                : current == null ? null : current.description();
        Map<String, InputSchema> inputs = root.has("inputs") ? InputSchema.parseAll(root.get("inputs"))
                : current == null ? Map.of() : current.inputs();
        Map<String, String> outputs = root.has("outputs") ? outputs(root.get("outputs")) : current.outputs();
        return new TemplateDraft(name, description, inputs, outputs, renderer.check(outputs));
    }

    private static Map<String, String> outputs(JsonNode node) {
        if (!node.isObject()) {
            throw ApiException.fieldFormat("outputs", "outputs must be an object of template strings, such as "
                    + "{\"subject\":\"…\",\"body\":\"…\"}");
        }
        if (node.isEmpty() || node.size() > MAX_OUTPUTS) {
            throw ApiException.fieldFormat("outputs", "A template has 1 to " + MAX_OUTPUTS + " outputs");
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> output = it.next();
            if (output.getKey().isBlank() || output.getKey().length() > MAX_OUTPUT_NAME) {
                throw ApiException.fieldFormat("outputs", "Output names are 1 to " + MAX_OUTPUT_NAME + " characters");
            }
            if (!output.getValue().isTextual() || output.getValue().asText().length() > MAX_OUTPUT) {
                throw ApiException.fieldFormat("outputs." + output.getKey(), "outputs." + output.getKey()
                        + " must be a string of at most " + MAX_OUTPUT + " characters");
            }
            if (output.getKey().equals("subject") && io.mailgate.mail.Headers.hasControlCharacters(output.getValue().asText())) {
                throw ApiException.fieldFormat("outputs.subject", "outputs.subject becomes a header: it must be one line, "
                        + "without control characters");
            }
            outputs.put(output.getKey(), output.getValue().asText());
        }
        return outputs;
    }

    private static void rejectUnknown(JsonNode root) {
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name) && !READ_ONLY.contains(name)) {
                throw new ApiException(ErrorCode.BODY_FORMAT, "Unknown field " + name, Map.of("field", name), List.of("body", name));
            }
        }
    }
}
