package io.mailgate.query;

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
}
