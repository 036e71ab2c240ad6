package io.mailgate.template;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.rql.Field;
import io.mailgate.platform.rql.Pages;
import io.mailgate.platform.rql.RqlToSql;
import io.mailgate.platform.rql.SqlQuery;
import io.mailgate.platform.Json;
import io.mailgate.template.language.IntlTimeZones;

/** The /templates/v2 endpoints. */
public class TemplateEndpoints {

    private static final RqlToSql RQL = new RqlToSql(Map.of(
            "id", new Field.Column("m.id", false),
            "name", new Field.Column("m.name", false),
            "description", new Field.Column("m.description", false),
            "creation_timestamp", new Field.Column("m.creation_timestamp", true),
            "update_timestamp", new Field.Column("m.update_timestamp", true)), "m.id");
    private static final Set<String> RESOLVE_FIELDS = Set.of("language", "timeZone", "time_zone", "inputs");
    private static final Set<String> PREVIEW_FIELDS = Set.of("template", "language", "timeZone", "time_zone", "inputs");

    private final Json json;
    private final TemplateStore store;
    private final TemplateRequests requests;
    private final Templates templates;

    public TemplateEndpoints(Json json, TemplateStore store, TemplateRequests requests, Templates templates) {
        this.json = json;
        this.store = store;
        this.requests = requests;
        this.templates = templates;
    }

    public String list(String rawQuery) {
        SqlQuery query = RQL.translate(rawQuery);
        List<Map<String, Object>> records = store.list(query).stream().map(TemplateEndpoints::view).toList();
        Optional<Long> total = query.skipCount() ? Optional.empty() : Optional.of(store.count(query));
        return json.write(Pages.envelope(query, records, total));
    }

    public String create(Object body) {
        return json.write(view(store.create(requests.create(body))));
    }

    public String get(String idOrName) {
        return json.write(view(templates.find(idOrName)));
    }

    /** Extra Horizon answers an update with the count, not the template. */
    public String update(String idOrName, Object body) {
        Template current = store.find(idOrName).orElseThrow(() -> TemplateStore.unknown(idOrName));
        store.update(current, requests.update(body, current));
        return json.write(Map.of("records_affected", 1));
    }

    public String delete(String idOrName) {
        Template current = store.find(idOrName).orElseThrow(() -> TemplateStore.unknown(idOrName));
        store.delete(current.id());
        return json.write(Map.of("records_affected", 1));
    }

    /** POST /{idOrName}/resolve {"language","timeZone","inputs"} → one rendered string per output. */
    public String resolve(String idOrName, Object body) {
        JsonNode root = Bodies.text(body).isBlank() ? json.mapper().createObjectNode() : Bodies.jsonObject(json.mapper(), body);
        Options options = options(root, RESOLVE_FIELDS);
        return json.write(templates.resolve(idOrName, options.language(), options.timeZone(), options.inputs()).outputs());
    }

    /**
     * A template being edited, rendered without saving it (the console's live preview):
     * {"template": {a create body}, "language", "timeZone", "inputs"} → one rendered string per output.
     * The template is checked as a save checks it (syntax errors are 400 code 1004, with their place).
     */
    public Map<String, String> preview(Object body) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        Options options = options(root, PREVIEW_FIELDS);
        JsonNode template = root.path("template");
        if (!template.isObject()) {
            throw ApiException.fieldFormat("template", "template must be an object: the template as it would be saved");
        }
        TemplateDraft draft = requests.create(template.toString());
        return templates.renderDraft(draft, options.language(), options.timeZone(), options.inputs()).outputs();
    }

    private record Options(String language, String timeZone, JsonNode inputs) {
    }

    private Options options(JsonNode root, Set<String> fields) {
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new ApiException(ErrorCode.BODY_FORMAT, "Unknown field " + name);
            }
        }
        String language = TemplateFields.optionalText(root, "language");
        if (language != null && !LanguageCodes.isKnown(language)) {
            throw ApiException.fieldFormat("language", "language must be an upper-case ISO 639-1 code such as EN");
        }
        String timeZone = Optional.ofNullable(TemplateFields.optionalText(root, "timeZone"))
                .orElse(TemplateFields.optionalText(root, "time_zone"));
        if (timeZone != null && !IntlTimeZones.isKnown(timeZone)) {
            throw ApiException.fieldFormat("timeZone", "timeZone must be an IANA time zone such as Europe/Brussels");
        }
        JsonNode inputs = root.path("inputs");
        if (inputs.isMissingNode() || inputs.isNull()) {
            inputs = json.mapper().createObjectNode();
        } else if (!inputs.isObject()) {
            throw ApiException.fieldFormat("inputs", "inputs must be an object");
        }
        return new Options(language, timeZone, inputs);
    }

    static Map<String, Object> view(Template template) {
        Map<String, Object> view = new LinkedHashMap<>();
        if (template.id() != null) {
            view.put("id", template.id());
        }
        view.put("name", template.name());
        if (template.description() != null) {
            view.put("description", template.description());
        }
        view.put("inputs", InputSchema.views(template.inputs()));
        view.put("outputs", template.outputs());
        if (template.id() != null) {
            view.put("creation_timestamp", template.creationTimestamp());
            view.put("update_timestamp", template.updateTimestamp());
        } else {
            view.put("built_in", true);
        }
        return view;
    }
}
