package io.mailgate.template.v1;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;

import com.fasterxml.jackson.core.type.TypeReference;

import io.mailgate.platform.Ids;
import io.mailgate.platform.Json;
import io.mailgate.platform.db.RqlSelect;
import io.mailgate.platform.db.UniqueViolation;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.rql.SqlQuery;

/** Stored v1 templates; names are unique, so a mail can name one. */
public class V1TemplateStore {

    private static final TypeReference<LinkedHashMap<String, String>> FIELDS = new TypeReference<>() {
    };
    static final String COLUMNS = "m.id, m.name, m.description, m.schema_json, m.fields, m.creation_timestamp, m.update_timestamp";

    private final Jdbi jdbi;
    private final Json json;
    private final Clock clock;

    public V1TemplateStore(Jdbi jdbi, Json json, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.clock = clock;
    }

    public V1Template create(V1Template draft) {
        long now = clock.millis();
        V1Template template = new V1Template(Ids.newId(now), draft.name(), draft.description(), draft.schema(), draft.fields(),
                now, now);
        save(template, true);
        return template;
    }

    /** Replaces a template's name, description, schema and fields. */
    public V1Template replace(V1Template current, V1Template draft) {
        V1Template updated = new V1Template(current.id(), draft.name(), draft.description(), draft.schema(), draft.fields(),
                current.creationTimestamp(), Math.max(clock.millis(), current.updateTimestamp() + 1));
        save(updated, false);
        return updated;
    }

    private void save(V1Template template, boolean insert) {
        String schema = json.write(template.schema().view());
        String fields = json.write(template.fields());
        try {
            jdbi.useHandle(handle -> {
                if (insert) {
                    handle.createUpdate("INSERT INTO template_v1 (id, name, description, schema_json, fields, creation_timestamp, "
                                    + "update_timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)")
                            .bind(0, template.id()).bind(1, template.name()).bind(2, template.description()).bind(3, schema)
                            .bind(4, fields).bind(5, template.creationTimestamp()).bind(6, template.updateTimestamp())
                            .execute();
                } else {
                    handle.createUpdate("UPDATE template_v1 SET name = ?, description = ?, schema_json = ?, fields = ?, "
                                    + "update_timestamp = ? WHERE id = ?")
                            .bind(0, template.name()).bind(1, template.description()).bind(2, schema).bind(3, fields)
                            .bind(4, template.updateTimestamp()).bind(5, template.id())
                            .execute();
                }
            });
        } catch (RuntimeException e) {
            if (UniqueViolation.is(e)) {
                throw new ApiException(ErrorCode.RESOURCE_ALREADY_EXISTS, "A v1 template named " + template.name() + " already exists");
            }
            throw e;
        }
    }

    public boolean delete(String id) {
        return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM template_v1 WHERE id = ?").bind(0, id).execute()) > 0;
    }

    public Optional<V1Template> find(String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM template_v1 m WHERE m.id = ?")
                .bind(0, id).map((rows, context) -> read(rows)).findOne());
    }

    /** By id, else by name: how a mail's template_id or template_name finds a v1 template. */
    public Optional<V1Template> findByIdOrName(String idOrName) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM template_v1 m WHERE m.id = ? OR m.name = ? "
                        + "ORDER BY CASE WHEN m.id = ? THEN 0 ELSE 1 END")
                .bind(0, Ids.looksLikeId(idOrName) ? idOrName : "").bind(1, idOrName).bind(2, idOrName)
                .map((rows, context) -> read(rows)).findFirst());
    }

    public List<V1Template> list(SqlQuery query) {
        return jdbi.withHandle(handle -> RqlSelect.page(handle, COLUMNS, "template_v1 m", query, (rows, context) -> read(rows)));
    }

    public long count(SqlQuery query) {
        return jdbi.withHandle(handle -> RqlSelect.count(handle, "template_v1 m", query));
    }

    private V1Template read(ResultSet rows) throws SQLException {
        return new V1Template(rows.getString("id"), rows.getString("name"), rows.getString("description"),
                V1Schema.parseRoot(json.readTree(rows.getString("schema_json"))), json.read(rows.getString("fields"), FIELDS),
                rows.getLong("creation_timestamp"), rows.getLong("update_timestamp"));
    }
}
