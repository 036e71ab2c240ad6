package io.mailgate.template.v1;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.Ids;
import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.rql.Field;
import io.mailgate.platform.rql.Pages;
import io.mailgate.platform.rql.RqlToSql;
import io.mailgate.platform.rql.SqlQuery;
import io.mailgate.template.LanguageCodes;
import io.mailgate.template.TemplateFields;
import io.mailgate.template.language.IntlTimeZones;

/** The /templates/v1 endpoints: CRUD, resolve as JSON and as PDF (also the deprecated /{LANG} forms). */
public class V1TemplateEndpoints {

    private static final RqlToSql RQL = new RqlToSql(Map.of(
            "id", new Field.Column("m.id", false),
            "name", new Field.Column("m.name", false),
            "description", new Field.Column("m.description", false),
            "creation_timestamp", new Field.Column("m.creation_timestamp", true),
            "update_timestamp", new Field.Column("m.update_timestamp", true)), "m.id");
    private static final Set<String> FIELDS = Set.of("name", "description", "schema", "fields");
    private static final Set<String> READ_ONLY = Set.of("id", "creation_timestamp", "update_timestamp");
    private static final Set<String> RESOLVE_FIELDS = Set.of("language", "time_zone", "timeZone", "content");
    private static final int MAX_FIELDS = 50;
    private static final int MAX_FIELD = 1_000_000;
    /** The field a PDF is made of. */
    static final String PDF_FIELD = "body";

    private final Json json;
    private final V1Templates templates;

    public V1TemplateEndpoints(Json json, V1Templates templates) {
        this.json = json;
        this.templates = templates;
    }

    public String list(String rawQuery) {
        SqlQuery query = RQL.translate(rawQuery);
        List<Map<String, Object>> records = templates.store().list(query).stream().map(V1TemplateEndpoints::view).toList();
        Optional<Long> total = query.skipCount() ? Optional.empty() : Optional.of(templates.store().count(query));
        return json.write(Pages.envelope(query, records, total));
    }

    public String create(Object body) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        checkFields(root);
        List<String> missing = java.util.stream.Stream.of("name", "schema", "fields").filter(field -> !root.has(field)).toList();
        if (!missing.isEmpty()) {
            throw new ApiException(ErrorCode.MISSING_REQUIRED_FIELDS, "Missing required fields: " + String.join(", ", missing),
                    Map.of("missingFields", missing), List.of("body", missing.get(0)));
        }
        return json.write(view(templates.store().create(draft(root, null))));
    }

    /** Fields not given keep their value; the answer is the template, as Extra Horizon's. */
    public String update(String id, Object body) {
        V1Template current = find(id);
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        checkFields(root);
        return json.write(view(templates.store().replace(current, draft(root, current))));
    }

    public String delete(String id) {
        Ids.require(id, "templateId");
        if (!templates.store().delete(id)) {
            throw unknown(id);
        }
        return json.write(Map.of("records_affected", 1));
    }

    /** POST /{id}/resolve and the deprecated /{id}/resolve/{LANG}: one string per field. */
    public String resolve(String id, Object body, String pathLanguage) {
        return json.write(rendered(id, body, pathLanguage));
    }

    /** POST /{id}/pdf and the deprecated /{id}/pdf/{LANG}: the rendered body field as a PDF. */
    public byte[] pdf(String id, Object body, String pathLanguage) {
        Map<String, String> fields = rendered(id, body, pathLanguage);
        String html = fields.get(PDF_FIELD);
        if (html == null) {
            throw new ApiException(ErrorCode.TEMPLATE_RESOLVING, "A PDF is made of the template's " + PDF_FIELD + " field, which it lacks",
                    Map.of("resolveError", Map.of("output", PDF_FIELD, "message", "missing")), List.of("body"));
        }
        return PdfDocuments.fromHtml(html);
    }

    private Map<String, String> rendered(String id, Object body, String pathLanguage) {
        V1Template template = find(id);
        JsonNode root = Bodies.text(body).isBlank() ? json.mapper().createObjectNode() : Bodies.jsonObject(json.mapper(), body);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!RESOLVE_FIELDS.contains(name)) {
                throw new ApiException(ErrorCode.BODY_FORMAT, "Unknown field " + name, Map.of("field", name), List.of("body", name));
            }
        }
        String language = pathLanguage != null ? pathLanguage : TemplateFields.optionalText(root, "language");
        if (language != null && !LanguageCodes.isKnown(language)) {
            throw ApiException.fieldFormat("language", "language must be an upper-case ISO 639-1 code such as EN");
        }
        String timeZone = Optional.ofNullable(TemplateFields.optionalText(root, "time_zone")).orElse(TemplateFields.optionalText(root, "timeZone"));
        if (timeZone != null && !IntlTimeZones.isKnown(timeZone)) {
            throw ApiException.fieldFormat("time_zone", "time_zone must be an IANA time zone such as Europe/Brussels");
        }
        JsonNode content = root.path("content");
        if (content.isMissingNode() || content.isNull()) {
            content = json.mapper().createObjectNode();
        } else if (!content.isObject()) {
            throw ApiException.fieldFormat("content", "content must be an object");
        }
        return templates.render(template, language, content);
    }

    private V1Template find(String id) {
        Ids.require(id, "templateId");
        return templates.store().find(id).orElseThrow(() -> unknown(id));
    }

    private static V1Template draft(JsonNode root, V1Template current) {
        String name = root.has("name") ? TemplateFields.name(root.get("name")) : current.name();
        String description = root.has("description") ? TemplateFields.description(root.get("description"))
                : current == null ? null : current.description();
        V1Schema schema = root.has("schema") ? V1Schema.parseRoot(root.get("schema")) : current.schema();
        Map<String, String> fields = root.has("fields") ? fields(root.get("fields")) : current.fields();
        if (fields.get("subject") != null && io.mailgate.mail.Headers.hasControlCharacters(fields.get("subject"))) {
            throw ApiException.fieldFormat("fields.subject", "fields.subject becomes a header: it must be one line, "
                    + "without control characters");
        }
        V1Templates.parse(fields);
        return new V1Template(null, name, description, schema, fields, 0, 0);
    }

    private static void checkFields(JsonNode root) {
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name) && !READ_ONLY.contains(name)) {
                throw new ApiException(ErrorCode.BODY_FORMAT, "Unknown field " + name, Map.of("field", name), List.of("body", name));
            }
        }
    }

    private static Map<String, String> fields(JsonNode node) {
        if (!node.isObject() || node.isEmpty() || node.size() > MAX_FIELDS) {
            throw ApiException.fieldFormat("fields", "fields must be an object of 1 to " + MAX_FIELDS + " template strings");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().isBlank() || field.getKey().length() > 100 || !field.getValue().isTextual()
                    || field.getValue().asText().length() > MAX_FIELD) {
                throw ApiException.fieldFormat("fields." + field.getKey(), "fields." + field.getKey() + " must be a string of at most "
                        + MAX_FIELD + " characters");
            }
            fields.put(field.getKey(), field.getValue().asText());
        }
        return fields;
    }

    static Map<String, Object> view(V1Template template) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", template.id());
        view.put("name", template.name());
        if (template.description() != null) {
            view.put("description", template.description());
        }
        view.put("schema", template.schema().view());
        view.put("fields", template.fields());
        view.put("creation_timestamp", template.creationTimestamp());
        view.put("update_timestamp", template.updateTimestamp());
        return view;
    }

    private static ApiException unknown(String id) {
        return new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No v1 template with id " + id);
    }
}
