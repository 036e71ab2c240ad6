package io.mailgate.template;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import com.fasterxml.jackson.core.type.TypeReference;

import io.mailgate.platform.Ids;
import io.mailgate.platform.Json;
import io.mailgate.platform.db.RqlSelect;
import io.mailgate.platform.db.UniqueViolation;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.rql.SqlQuery;

/** Stored templates. A template is found by id or by name; names are unique. */
public class TemplateStore {

    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final String COLUMNS = "m.id, m.name, m.description, m.inputs, m.outputs, m.creation_timestamp, "
            + "m.update_timestamp";

    private final Jdbi jdbi;
    private final Json json;
    private final Clock clock;

    public TemplateStore(Jdbi jdbi, Json json, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.clock = clock;
    }

    public Template create(TemplateDraft draft) {
        long now = clock.millis();
        Template template = new Template(Ids.newId(now), draft.name(), draft.description(), draft.inputs(),
                draft.outputs(), now, now, null);
        inTransaction(handle -> {
            handle.createUpdate("INSERT INTO template (id, name, description, inputs, outputs, creation_timestamp, "
                            + "update_timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .bind(0, template.id()).bind(1, template.name()).bind(2, template.description())
                    .bind(3, json.write(InputSchema.views(template.inputs()))).bind(4, json.write(template.outputs())).bind(5, now).bind(6, now)
                    .execute();
            saveKeys(handle, template.id(), draft.localizationKeys());
        }, template.name());
        return template;
    }

    /** Replaces the template's fields with the draft's (the caller merged what was not given). */
    public Template update(Template current, TemplateDraft draft) {
        long now = Math.max(clock.millis(), current.updateTimestamp() + 1);
        Template updated = new Template(current.id(), draft.name(), draft.description(), draft.inputs(), draft.outputs(),
                current.creationTimestamp(), now, null);
        inTransaction(handle -> {
            int updatedRows = handle.createUpdate("UPDATE template SET name = ?, description = ?, inputs = ?, outputs = ?, "
                            + "update_timestamp = ? WHERE id = ?")
                    .bind(0, updated.name()).bind(1, updated.description()).bind(2, json.write(InputSchema.views(updated.inputs())))
                    .bind(3, json.write(updated.outputs())).bind(4, now).bind(5, updated.id())
                    .execute();
            if (updatedRows == 0) {
                throw unknown(current.id());
            }
            handle.createUpdate("DELETE FROM template_localization_key WHERE template_id = ?").bind(0, updated.id()).execute();
            saveKeys(handle, updated.id(), draft.localizationKeys());
        }, updated.name());
        return updated;
    }

    public void delete(String id) {
        int deleted = jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM template WHERE id = ?").bind(0, id).execute());
        if (deleted == 0) {
            throw unknown(id);
        }
    }

    public Optional<Template> find(String idOrName) {
        return load(idOrName).map(Rendering::template);
    }

    /**
     * The template with every localization its outputs use, in one query: rendering a stored
     * template costs one database round trip.
     */
    public Optional<Rendering> load(String idOrName) {
        String sql = "SELECT " + COLUMNS + ", l.localization_key, l.text FROM template m "
                + "LEFT JOIN template_localization_key k ON k.template_id = m.id "
                + "LEFT JOIN localization l ON l.localization_key = k.localization_key "
                + "WHERE m.id = ? OR m.name = ?";
        Map<String, Template> templates = new LinkedHashMap<>();
        Map<String, Map<String, Map<String, String>>> texts = new LinkedHashMap<>();
        jdbi.useHandle(handle -> handle.createQuery(sql)
                .bind(0, Ids.looksLikeId(idOrName) ? idOrName : "").bind(1, idOrName)
                .map((rows, context) -> {
                    Template template = templates.computeIfAbsent(rows.getString("id"), id -> read(rows));
                    Map<String, Map<String, String>> byKey = texts.computeIfAbsent(template.id(), id -> new LinkedHashMap<>());
                    if (rows.getString("localization_key") != null) {
                        byKey.put(rows.getString("localization_key"), json.read(rows.getString("text"), STRING_MAP));
                    }
                    return template;
                })
                .list());
        // A name that happens to look like another template's id: the id wins.
        Template template = templates.containsKey(idOrName) ? templates.get(idOrName)
                : templates.values().stream().findFirst().orElse(null);
        return Optional.ofNullable(template).map(t -> new Rendering(t, texts.get(t.id())));
    }

    public List<Template> list(SqlQuery query) {
        return jdbi.withHandle(handle -> RqlSelect.page(handle, COLUMNS, "template m", query, (rows, context) -> read(rows)));
    }

    public long count(SqlQuery query) {
        return jdbi.withHandle(handle -> RqlSelect.count(handle, "template m", query));
    }

    /** A template and the texts of the localizations it names: key → (language → text). */
    public record Rendering(Template template, Map<String, Map<String, String>> texts) {
    }

    private Template read(ResultSet rows) {
        try {
            return new Template(rows.getString("id"), rows.getString("name"), rows.getString("description"),
                    InputSchema.readStored(json.readTree(rows.getString("inputs"))),
                    json.read(rows.getString("outputs"), STRING_MAP),
                    rows.getLong("creation_timestamp"), rows.getLong("update_timestamp"), null);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read template", e);
        }
    }

    private static void saveKeys(Handle handle, String templateId, Set<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        var batch = handle.prepareBatch("INSERT INTO template_localization_key (template_id, localization_key) VALUES (?, ?)");
        keys.forEach(key -> batch.bind(0, templateId).bind(1, key).add());
        batch.execute();
    }

    /** A name is unique: saving a second template under it is the caller's error. */
    private void inTransaction(java.util.function.Consumer<Handle> work, String name) {
        try {
            jdbi.useTransaction(work::accept);
        } catch (RuntimeException e) {
            if (UniqueViolation.is(e)) {
                throw new ApiException(ErrorCode.RESOURCE_ALREADY_EXISTS, "A template named " + name + " already exists");
            }
            throw e;
        }
    }

    static ApiException unknown(String idOrName) {
        return new ApiException(ErrorCode.RESOURCE_UNKNOWN, "Template " + idOrName + " is unknown");
    }
}
