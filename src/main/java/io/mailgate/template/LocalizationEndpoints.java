package io.mailgate.template;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.rql.Field;
import io.mailgate.platform.rql.Pages;
import io.mailgate.platform.rql.RqlToSql;
import io.mailgate.platform.rql.SqlQuery;
import io.mailgate.platform.Json;

/** The /localizations/v1 endpoints. */
public class LocalizationEndpoints {

    private static final RqlToSql RQL = new RqlToSql(Map.of(
            "id", new Field.Column("m.id", false),
            "key", new Field.Column("m.localization_key", false),
            "creation_timestamp", new Field.Column("m.creation_timestamp", true),
            "update_timestamp", new Field.Column("m.update_timestamp", true)), "m.id");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]{1,255}");
    private static final Pattern LANGUAGE = Pattern.compile("[A-Z]{2}");
    private static final Set<String> FIELDS = Set.of("key", "text");
    private static final int MAX_PER_REQUEST = 500;
    private static final int MAX_TEXT = 100_000;

    private final Json json;
    private final LocalizationStore store;

    public LocalizationEndpoints(Json json, LocalizationStore store) {
        this.json = json;
        this.store = store;
    }

    public String list(String rawQuery) {
        SqlQuery query = RQL.translate(rawQuery);
        List<Map<String, Object>> records = store.list(query).stream().map(LocalizationEndpoints::view).toList();
        Optional<Long> total = query.skipCount() ? Optional.empty() : Optional.of(store.count(query));
        return json.write(Pages.envelope(query, records, total));
    }

    public String create(Object body) {
        List<Map.Entry<String, Map<String, String>>> localizations = parse(body, true);
        List<String> existing = store.createAll(localizations);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("created", localizations.size() - existing.size());
        answer.put("existing", existing.size());
        answer.put("existing_ids", existing);
        return json.write(answer);
    }

    public String update(Object body) {
        List<Map.Entry<String, Map<String, String>>> localizations = parse(body, false);
        List<String> missing = store.updateAll(localizations);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("updated", localizations.size() - missing.size());
        answer.put("missing", missing.size());
        answer.put("missing_ids", missing);
        return json.write(answer);
    }

    /** Deletes what the RQL query matches; an empty query is refused rather than deleting everything. */
    public String delete(String rawQuery) {
        SqlQuery query = RQL.translate(rawQuery);
        if (query.whereParameters().isEmpty()) {
            throw new ApiException(ErrorCode.INVALID_RQL, "Invalid RQL: name the localizations to delete, e.g. in(key,(a,b))");
        }
        return json.write(Map.of("records_affected", store.delete(query)));
    }

    private List<Map.Entry<String, Map<String, String>>> parse(Object body, boolean englishRequired) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        JsonNode list = root.get("localizations");
        if (list == null) {
            throw new ApiException(ErrorCode.MISSING_REQUIRED_FIELDS, "Missing required field localizations",
                    Map.of("missingFields", List.of("localizations")), List.of("body", "localizations"));
        }
        if (root.size() != 1) {
            throw new ApiException(ErrorCode.BODY_FORMAT, "The body has only the field localizations");
        }
        if (!list.isArray() || list.isEmpty() || list.size() > MAX_PER_REQUEST) {
            throw ApiException.fieldFormat("localizations", "localizations must be an array of 1 to " + MAX_PER_REQUEST);
        }
        List<Map.Entry<String, Map<String, String>>> parsed = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "localizations[" + i + "]";
            JsonNode item = list.get(i);
            if (!item.isObject()) {
                throw ApiException.fieldFormat(path, path + " must be an object with key and text");
            }
            for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!FIELDS.contains(name)) {
                    throw new ApiException(ErrorCode.BODY_FORMAT, "Unknown field " + path + "." + name);
                }
            }
            JsonNode key = item.get("key");
            if (key == null || !key.isTextual() || !KEY.matcher(key.asText()).matches()) {
                throw ApiException.fieldFormat(path + ".key", path + ".key must be 1 to 255 letters, digits, '_', '.' or '-'");
            }
            JsonNode text = item.get("text");
            if (text == null || !text.isObject() || text.isEmpty()) {
                throw ApiException.fieldFormat(path + ".text", path + ".text must be an object of language -> text");
            }
            Map<String, String> texts = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = text.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!LANGUAGE.matcher(entry.getKey()).matches() || !entry.getValue().isTextual()
                        || entry.getValue().asText().length() > MAX_TEXT) {
                    throw ApiException.fieldFormat(path + ".text." + entry.getKey(), path + ".text." + entry.getKey()
                            + " must be a text under an upper-case language code such as EN");
                }
                texts.put(entry.getKey(), entry.getValue().asText());
            }
            if (englishRequired && !texts.containsKey(io.mailgate.template.language.Translations.FALLBACK_LANGUAGE)) {
                throw new ApiException(ErrorCode.DEFAULT_LOCALIZATION_MISSING, path + ".text needs an EN text, the fallback "
                        + "of every language", Map.of("field", path + ".text"), List.of("body", path + ".text"));
            }
            parsed.add(Map.entry(key.asText(), texts));
        }
        return parsed;
    }

    private static Map<String, Object> view(LocalizationStore.Localization localization) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", localization.id());
        view.put("key", localization.key());
        view.put("text", localization.text());
        view.put("creation_timestamp", localization.creationTimestamp());
        view.put("update_timestamp", localization.updateTimestamp());
        return view;
    }
}
