package io.mailgate.platform.db;

import java.sql.SQLException;

/** Recognises a unique-constraint violation on H2 and PostgreSQL alike (SQLSTATE 23505), however it is wrapped. */
public final class UniqueViolation {

    private UniqueViolation() {
    }

    public static boolean is(Throwable failure) {
        return hasState(failure, "23505");
    }

    /**
     * A concurrent transaction holds the row: H2 answers with a lock timeout (HYT00), PostgreSQL under
     * serializable isolation with 40001.
     */
    public static boolean isLockConflict(Throwable failure) {
        return hasState(failure, "HYT00") || hasState(failure, "40001");
    }

    private static boolean hasState(Throwable failure, String state) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && state.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
