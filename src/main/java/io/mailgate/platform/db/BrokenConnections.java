package io.mailgate.platform.db;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

import com.zaxxer.hikari.SQLExceptionOverride;

/**
 * Which database errors mean the connection (or the database) is gone rather than the statement
 * wrong: SQLSTATE class 08, the JDBC connection exceptions (a pool that gave no connection in time
 * throws the transient kind), and H2's "connection broken" and "database closed" (90067, 90098,
 * 90121), whose SQLSTATE is not of class 08. The pool evicts such connections at once — otherwise a
 * pool kept handing out connections to a database that had gone and come back — and requests that
 * meet them answer 503 (ErrorResponses).
 */
public final class BrokenConnections implements SQLExceptionOverride {

    private static final Set<Integer> H2_GONE = Set.of(90067, 90098, 90121);

    public static boolean isBroken(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException) {
            return true;
        }
        String state = e.getSQLState();
        return state != null && state.startsWith("08") || H2_GONE.contains(e.getErrorCode());
    }

    @java.lang.Override
    public SQLExceptionOverride.Override adjudicate(SQLException e) {
        return isBroken(e) ? SQLExceptionOverride.Override.MUST_EVICT : SQLExceptionOverride.Override.CONTINUE_EVICT;
    }
}
