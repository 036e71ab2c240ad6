package io.mailgate.template;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.type.TypeReference;

import io.mailgate.api.ApiException;
import io.mailgate.api.ErrorCode;
import io.mailgate.query.SqlQuery;
import io.mailgate.store.Ids;
import io.mailgate.store.Json;
import io.mailgate.store.Sql;
import io.mailgate.store.UniqueViolation;

/** Stored templates. A template is found by id or by name; names are unique. */
public class TemplateStore {

    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final String COLUMNS = "m.id, m.name, m.description, m.inputs, m.outputs, m.creation_timestamp, "
            + "m.update_timestamp";

    private final DataSource dataSource;
    private final Json json;
    private final Clock clock;

    public TemplateStore(DataSource dataSource, Json json, Clock clock) {
        this.dataSource = dataSource;
        this.json = json;
        this.clock = clock;
    }

    public Template create(TemplateDraft draft) {
        long now = clock.millis();
        Template template = new Template(Ids.newId(now), draft.name(), draft.description(), draft.inputs(),
                draft.outputs(), now, now, null);
        inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO template (id, name, description, "
                    + "inputs, outputs, creation_timestamp, update_timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, template.id());
                insert.setString(2, template.name());
                insert.setString(3, template.description());
                insert.setString(4, json.write(template.inputs()));
                insert.setString(5, json.write(template.outputs()));
                insert.setLong(6, now);
                insert.setLong(7, now);
                insert.executeUpdate();
            }
            saveKeys(connection, template.id(), draft.localizationKeys());
        }, template.name());
        return template;
    }

    /** Replaces the template's fields with the draft's (the caller merged what was not given). */
    public Template update(Template current, TemplateDraft draft) {
        long now = Math.max(clock.millis(), current.updateTimestamp() + 1);
        Template updated = new Template(current.id(), draft.name(), draft.description(), draft.inputs(), draft.outputs(),
                current.creationTimestamp(), now, null);
        inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE template SET name = ?, description = ?, "
                    + "inputs = ?, outputs = ?, update_timestamp = ? WHERE id = ?");
                 PreparedStatement clear = connection.prepareStatement(
                         "DELETE FROM template_localization_key WHERE template_id = ?")) {
                update.setString(1, updated.name());
                update.setString(2, updated.description());
                update.setString(3, json.write(updated.inputs()));
                update.setString(4, json.write(updated.outputs()));
                update.setLong(5, now);
                update.setString(6, updated.id());
                if (update.executeUpdate() == 0) {
                    throw unknown(current.id());
                }
                clear.setString(1, updated.id());
                clear.executeUpdate();
            }
            saveKeys(connection, updated.id(), draft.localizationKeys());
        }, updated.name());
        return updated;
    }

    public void delete(String id) {
        inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM template WHERE id = ?")) {
                delete.setString(1, id);
                if (delete.executeUpdate() == 0) {
                    throw unknown(id);
                }
            }
        }, null);
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
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, Ids.looksLikeId(idOrName) ? idOrName : "");
            statement.setString(2, idOrName);
            Map<String, Template> templates = new LinkedHashMap<>();
            Map<String, Map<String, Map<String, String>>> texts = new LinkedHashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Template template = templates.computeIfAbsent(rows.getString(1), id -> read(rows));
                    Map<String, Map<String, String>> byKey = texts.computeIfAbsent(template.id(), id -> new LinkedHashMap<>());
                    if (rows.getString(8) != null) {
                        byKey.put(rows.getString(8), json.mapper().readValue(rows.getString(9), STRING_MAP));
                    }
                }
            }
            // A name that happens to look like another template's id: the id wins.
            Template template = templates.containsKey(idOrName) ? templates.get(idOrName)
                    : templates.values().stream().findFirst().orElse(null);
            return Optional.ofNullable(template).map(t -> new Rendering(t, new Localized(texts.get(t.id()))));
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot read template", e);
        }
    }

    public List<Template> list(SqlQuery query) {
        List<Object> parameters = new ArrayList<>(query.whereParameters());
        parameters.addAll(query.orderParameters());
        parameters.add(query.limit());
        parameters.add(query.offset());
        String sql = "SELECT " + COLUMNS + " FROM template m WHERE " + query.where() + " ORDER BY " + query.orderBy()
                + " LIMIT ? OFFSET ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            Sql.bind(statement, parameters);
            List<Template> templates = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    templates.add(read(rows));
                }
            }
            return templates;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot list templates", e);
        }
    }

    public long count(SqlQuery query) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT COUNT(*) FROM template m WHERE " + query.where())) {
            Sql.bind(statement, query.whereParameters());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot count templates", e);
        }
    }

    /** A template and the localizations it needs. */
    public record Rendering(Template template, Localized localized) {
    }

    private Template read(ResultSet rows) {
        try {
            return new Template(rows.getString(1), rows.getString(2), rows.getString(3),
                    json.mapper().readValue(rows.getString(4), STRING_MAP),
                    json.mapper().readValue(rows.getString(5), STRING_MAP),
                    rows.getLong(6), rows.getLong(7), null);
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot read template", e);
        }
    }

    private static void saveKeys(Connection connection, String templateId, Set<String> keys) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO template_localization_key (template_id, localization_key) VALUES (?, ?)")) {
            for (String key : keys) {
                insert.setString(1, templateId);
                insert.setString(2, key);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private interface Work {
        void run(Connection connection) throws SQLException;
    }

    private void inTransaction(Work work, String name) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                work.run(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            if (UniqueViolation.is(e)) {
                throw new ApiException(ErrorCode.RESOURCE_ALREADY_EXISTS, "A template named " + name + " already exists");
            }
            throw new IllegalStateException("Cannot save template", e);
        }
    }

    static ApiException unknown(String idOrName) {
        return new ApiException(ErrorCode.RESOURCE_UNKNOWN, "Template " + idOrName + " is unknown");
    }
}
