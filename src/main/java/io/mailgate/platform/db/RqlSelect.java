package io.mailgate.platform.db;

import java.util.ArrayList;
import java.util.List;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import io.mailgate.platform.rql.SqlQuery;

/** Runs a list request's RQL, translated to SQL, against one table aliased {@code m}: a page of rows and their total. */
public final class RqlSelect {

    private RqlSelect() {
    }

    /** @param table the table and its alias, e.g. {@code "template m"} */
    public static <T> List<T> page(Handle handle, String columns, String table, SqlQuery query, RowMapper<T> mapper) {
        List<Object> parameters = new ArrayList<>(query.whereParameters());
        parameters.addAll(query.orderParameters());
        parameters.add(query.limit());
        parameters.add(query.offset());
        return Statements.bindAll(handle.createQuery("SELECT " + columns + " FROM " + table + " WHERE " + query.where()
                        + " ORDER BY " + query.orderBy() + " LIMIT ? OFFSET ?"), parameters)
                .map(mapper).list();
    }

    public static long count(Handle handle, String table, SqlQuery query) {
        return Statements.bindAll(handle.createQuery("SELECT COUNT(*) FROM " + table + " WHERE " + query.where()),
                query.whereParameters()).mapTo(Long.class).one();
    }
}
