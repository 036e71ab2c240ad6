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
    private static final Set<String> FIELDS = Set.of("key", "text");
    private static final int MAX_PER_REQUEST = 500;
    private static final int MAX_TEXT = 100_000;

    private static final int MAX_REQUESTED = 500;
    private static final int MAX_REQUESTED_LENGTH = 2000;

    private final Json json;
    private final LocalizationStore store;
    private final Countries countries = new Countries();

    public LocalizationEndpoints(Json json, LocalizationStore store) {
        this.json = json;
        this.store = store;
    }

    /**
     * POST /request {"localization_codes":["NL"],"localizations":["mail_subject","greeting,Ann"]} →
     * {"mail_subject":{"NL":…,"EN":…},"greeting,Ann":{…}}: each key's texts in the asked languages and
     * always in English, the fallback. An entry "key,arg1,arg2" fills $1, $2 … as templates v1 do;
     * an unknown key is left out.
     */
    public String request(Object body) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("localization_codes") && !name.equals("localizations")) {
                throw new ApiException(ErrorCode.BODY_FORMAT, "Unknown field " + name, Map.of("field", name), List.of("body", name));
            }
        }
        List<String> codes = strings(root, "localization_codes", LanguageCodes.ALL.size(), 2);
        for (String code : codes) {
            if (!LanguageCodes.isKnown(code)) {
                throw ApiException.fieldFormat("localization_codes", "localization_codes holds upper-case ISO 639-1 codes such as NL");
            }
        }
        List<String> requested = strings(root, "localizations", MAX_REQUESTED, MAX_REQUESTED_LENGTH);
        Map<String, List<String>> arguments = new LinkedHashMap<>();
        requested.forEach(entry -> arguments.put(entry, List.of(entry.split(",", -1)).stream().map(String::trim).toList()));
        Map<String, Map<String, String>> texts = store.texts(arguments.values().stream().map(parts -> parts.get(0)).toList());
        Map<String, Map<String, String>> answer = new LinkedHashMap<>();
        arguments.forEach((entry, parts) -> {
            Map<String, String> byLanguage = texts.get(parts.get(0));
            if (byLanguage == null) {
                return;
            }
            Map<String, String> chosen = new LinkedHashMap<>();
            for (String code : codes) {
                if (byLanguage.containsKey(code)) {
                    chosen.put(code, io.mailgate.template.v1.V1Localizations.fill(byLanguage.get(code), parts.subList(1, parts.size())));
                }
            }
            String english = io.mailgate.template.language.Translations.FALLBACK_LANGUAGE;
            if (byLanguage.containsKey(english)) {
                chosen.put(english, io.mailgate.template.v1.V1Localizations.fill(byLanguage.get(english), parts.subList(1, parts.size())));
            }
            answer.put(entry, chosen);
        });
        return json.write(answer);
    }

    /** GET /languages: every language code a localization can have. */
    public String languages() {
        return json.write(everything(LanguageCodes.ALL));
    }

    /** GET /countries: ISO 3166-1 alpha-2 codes. */
    public String countries() {
        return json.write(everything(countries.codes()));
    }

    /** GET /countries/{country}/regions: the country's ISO 3166-2 codes; an unknown country is a 404. */
    public String regions(String country) {
        return json.write(everything(countries.regions(country).orElseThrow(() ->
                new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No country with code " + country))));
    }

    private static Map<String, Object> everything(List<String> codes) {
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("total", codes.size());
        page.put("offset", 0);
        page.put("limit", codes.size());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("page", page);
        answer.put("data", codes);
        return answer;
    }

    private static List<String> strings(JsonNode root, String field, int maxItems, int maxLength) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new ApiException(ErrorCode.MISSING_REQUIRED_FIELDS, "Missing required field " + field,
                    Map.of("missingFields", List.of(field)), List.of("body", field));
        }
        if (!node.isArray() || node.isEmpty() || node.size() > maxItems) {
            throw ApiException.fieldFormat(field, field + " must be an array of 1 to " + maxItems + " strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual() || element.asText().isEmpty() || element.asText().length() > maxLength) {
                throw ApiException.fieldFormat(field, field + " must hold strings of 1 to " + maxLength + " characters");
            }
            values.add(element.asText());
        }
        return values;
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
                if (!LanguageCodes.isKnown(entry.getKey()) || !entry.getValue().isTextual()
                        || entry.getValue().asText().length() > MAX_TEXT) {
                    throw ApiException.fieldFormat(path + ".text." + entry.getKey(), path + ".text." + entry.getKey()
                            + " must be a text under an upper-case ISO 639-1 language code such as EN");
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
