package io.mailgate.platform.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;

/** What every store's Jdbi statements share: positional binding of a parameter list, nullable columns. */
public final class Statements {

    private Statements() {
    }

    /** Binds values to the statement's {@code ?} placeholders in order; values are never part of the SQL text. */
    public static <S extends SqlStatement<S>> S bindAll(S statement, List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            statement.bind(i, values.get(i));
        }
        return statement;
    }

    /**
     * Updates the row, or inserts it when there is none: the upsert of fidesops' bulk PATCH, in SQL that
     * H2 and PostgreSQL both run. Run it in a transaction when two writers may race on one key.
     */
    public static void updateOrInsert(Handle handle, String update, List<?> updateValues, String insert, List<?> insertValues) {
        if (bindAll(handle.createUpdate(update), updateValues).execute() == 0) {
            bindAll(handle.createUpdate(insert), insertValues).execute();
        }
    }

    /** A nullable BIGINT column. */
    public static Optional<Long> optionalLong(ResultSet rows, String column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? Optional.empty() : Optional.of(value);
    }

    /** A nullable INTEGER column. */
    public static Optional<Integer> optionalInt(ResultSet rows, String column) throws SQLException {
        int value = rows.getInt(column);
        return rows.wasNull() ? Optional.empty() : Optional.of(value);
    }
}
