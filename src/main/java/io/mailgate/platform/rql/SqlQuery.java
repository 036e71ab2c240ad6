package io.mailgate.platform.rql;

import java.util.List;

/**
 * A list request translated to SQL fragments over the main table aliased {@code m}. Fragments hold
 * only whitelisted column names and {@code ?} placeholders; every value is in the parameter lists.
 */
public record SqlQuery(
        String where,
        List<Object> whereParameters,
        String orderBy,
        List<Object> orderParameters,
        int limit,
        int offset,
        List<String> select,
        boolean skipCount) {

    public SqlQuery {
        whereParameters = List.copyOf(whereParameters);
        orderParameters = List.copyOf(orderParameters);
        select = List.copyOf(select);
    }

    /** The same query with one more condition (its own {@code ?} values first) before the client's. */
    public SqlQuery and(String condition, List<Object> parameters) {
        List<Object> all = new java.util.ArrayList<>(parameters);
        all.addAll(whereParameters);
        return new SqlQuery(condition + " AND (" + where + ")", all, orderBy, orderParameters, limit, offset, select, skipCount);
    }
}
