package io.mailgate.store;

import java.sql.SQLException;

/** Recognises a unique-constraint violation on H2 and PostgreSQL alike (SQLSTATE 23505). */
public final class UniqueViolation {

    private UniqueViolation() {
    }

    public static boolean is(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
