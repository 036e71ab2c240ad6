package io.mailgate.platform.rql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.mailgate.platform.db.LikePatterns;

/** Translates parsed RQL into parameterised SQL for one kind of record, described by its fields. */
public final class RqlToSql {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 50;
    private static final int MAX_LIST_VALUES = 500;
    private static final Map<String, String> COMPARISONS = Map.of(
            "eq", "=", "ne", "<>", "gt", ">", "ge", ">=", "lt", "<", "le", "<=");
    private static final Set<String> NEGATIONS = Set.of("ne", "out", "excludes");

    private final Map<String, Field> fields;
    private final String orderTiebreaker;

    /**
     * @param fields          the queryable fields by their dotted API name
     * @param orderTiebreaker a unique column that makes every order total, so that paging is stable
     */
    public RqlToSql(Map<String, Field> fields, String orderTiebreaker) {
        this.fields = Map.copyOf(fields);
        this.orderTiebreaker = orderTiebreaker;
    }

    public SqlQuery translate(String rawQuery) {
        List<RqlCall> terms = Rql.parse(rawQuery);
        List<String> conditions = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();
        StringBuilder orderBy = new StringBuilder();
        List<Object> orderParameters = new ArrayList<>();
        int limit = DEFAULT_LIMIT;
        int offset = 0;
        List<String> select = List.of();
        boolean skipCount = false;
        boolean sorted = false;

        for (RqlCall term : terms) {
            switch (term.name()) {
                case "limit" -> {
                    if (term.args().isEmpty() || term.args().size() > 2) {
                        throw Rql.invalid("limit takes a count and an optional offset");
                    }
                    limit = Math.min(wholeNumber(term.args().get(0), "limit"), MAX_LIMIT);
                    offset = term.args().size() == 2 ? wholeNumber(term.args().get(1), "offset") : 0;
                }
                case "sort" -> {
                    if (sorted) {
                        throw Rql.invalid("sort is given twice");
                    }
                    sorted = true;
                    sort(term, orderBy, orderParameters);
                }
                case "select" -> select = select(term);
                case "skipCount" -> {
                    if (!term.args().isEmpty()) {
                        throw Rql.invalid("skipCount takes no arguments");
                    }
                    skipCount = true;
                }
                default -> conditions.add(condition(term, parameters));
            }
        }
        if (orderBy.length() > 0) {
            orderBy.append(", ");
        }
        orderBy.append(orderTiebreaker).append(" ASC");
        String where = conditions.isEmpty() ? "1 = 1" : String.join(" AND ", conditions);
        return new SqlQuery(where, parameters, orderBy.toString(), orderParameters, limit, offset, select, skipCount);
    }

    private String condition(RqlCall call, List<Object> parameters) {
        String name = call.name();
        switch (name) {
            case "and", "or" -> {
                if (call.args().isEmpty()) {
                    throw Rql.invalid(name + " needs at least one condition");
                }
                List<String> parts = new ArrayList<>();
                for (Object arg : call.args()) {
                    if (!(arg instanceof RqlCall nested)) {
                        throw Rql.invalid(name + " takes conditions, not values");
                    }
                    if (Set.of("limit", "sort", "select", "skipCount").contains(nested.name())) {
                        throw Rql.invalid(nested.name() + " may only stand at the top level");
                    }
                    parts.add(condition(nested, parameters));
                }
                return "(" + String.join(name.equals("and") ? " AND " : " OR ", parts) + ")";
            }
            case "eq", "ne", "gt", "ge", "lt", "le" -> {
                arguments(call, 2);
                return compare(field(call.args().get(0)), name, value(call.args().get(1), name), parameters);
            }
            case "in", "out" -> {
                if (call.args().size() < 2) {
                    throw Rql.invalid(name + " takes a field and a list of values");
                }
                List<RqlValue> values = new ArrayList<>();
                for (Object arg : call.args().subList(1, call.args().size())) {
                    if (arg instanceof List<?> list) {
                        list.forEach(v -> values.add((RqlValue) v));
                    } else {
                        values.add(value(arg, name));
                    }
                }
                if (values.isEmpty() || values.size() > MAX_LIST_VALUES) {
                    throw Rql.invalid(name + " takes 1 to " + MAX_LIST_VALUES + " values");
                }
                return membership(field(call.args().get(0)), name.equals("out"), values, parameters);
            }
            case "like" -> {
                arguments(call, 2);
                return like(field(call.args().get(0)), value(call.args().get(1), name), parameters);
            }
            case "contains", "excludes" -> {
                if (call.args().size() == 1) {
                    return presence(field(call.args().get(0)), name.equals("excludes"));
                }
                arguments(call, 2);
                return compare(field(call.args().get(0)), name.equals("contains") ? "eq" : "ne",
                        value(call.args().get(1), name), parameters);
            }
            default -> throw Rql.invalid("unknown operator " + name);
        }
    }

    private String compare(Field field, String operator, RqlValue value, List<Object> parameters) {
        String sql = COMPARISONS.get(operator);
        if (field instanceof Field.Column column) {
            parameters.add(typed(column, value));
            return operator.equals("ne")
                    ? "(" + column.sql() + " <> ? OR " + column.sql() + " IS NULL)"
                    : column.sql() + " " + sql + " ?";
        }
        Field.Elements elements = (Field.Elements) field;
        addKind(elements, parameters);
        parameters.add(value.text());
        boolean negated = NEGATIONS.contains(operator);
        return (negated ? "NOT " : "") + exists(elements, "e." + elements.valueColumn() + (negated ? " = ?" : " " + sql + " ?"));
    }

    private String membership(Field field, boolean negated, List<RqlValue> values, List<Object> parameters) {
        String placeholders = String.join(", ", java.util.Collections.nCopies(values.size(), "?"));
        if (field instanceof Field.Column column) {
            values.forEach(v -> parameters.add(typed(column, v)));
            return negated
                    ? "(" + column.sql() + " NOT IN (" + placeholders + ") OR " + column.sql() + " IS NULL)"
                    : column.sql() + " IN (" + placeholders + ")";
        }
        Field.Elements elements = (Field.Elements) field;
        addKind(elements, parameters);
        values.forEach(v -> parameters.add(v.text()));
        return (negated ? "NOT " : "") + exists(elements, "e." + elements.valueColumn() + " IN (" + placeholders + ")");
    }

    private String like(Field field, RqlValue value, List<Object> parameters) {
        String pattern = LikePatterns.containingWithStars(value.text());
        if (field instanceof Field.Column column) {
            if (column.numeric()) {
                throw Rql.invalid("like needs a text field");
            }
            parameters.add(pattern);
            return "LOWER(" + column.sql() + ") LIKE ?" + LikePatterns.ESCAPE;
        }
        Field.Elements elements = (Field.Elements) field;
        addKind(elements, parameters);
        parameters.add(pattern);
        return exists(elements, "LOWER(e." + elements.valueColumn() + ") LIKE ?" + LikePatterns.ESCAPE);
    }

    private String presence(Field field, boolean negated) {
        if (field instanceof Field.Column column) {
            return column.sql() + (negated ? " IS NULL" : " IS NOT NULL");
        }
        throw Rql.invalid("contains and excludes with one argument need a field that is not an array");
    }

    /** @param valueCondition a condition on the element row, aliased {@code e} */
    private String exists(Field.Elements elements, String valueCondition) {
        return "EXISTS (SELECT 1 FROM " + elements.table() + " e WHERE e." + elements.ownerColumn() + " = m.id AND "
                + kindCondition(elements) + valueCondition + ")";
    }

    /** The condition on the element row's kind, when the child table keeps several arrays. */
    private static String kindCondition(Field.Elements elements) {
        return elements.kindColumn() == null ? "" : "e." + elements.kindColumn() + " = ? AND ";
    }

    private static void addKind(Field.Elements elements, List<Object> parameters) {
        if (elements.kindColumn() != null) {
            parameters.add(elements.kind());
        }
    }

    private void sort(RqlCall call, StringBuilder orderBy, List<Object> orderParameters) {
        if (call.args().isEmpty()) {
            throw Rql.invalid("sort needs at least one field");
        }
        for (Object arg : call.args()) {
            if (!(arg instanceof RqlValue value) || value.text().isBlank()) {
                throw Rql.invalid("sort takes field names such as +subject or -creation_timestamp");
            }
            String text = value.text();
            boolean descending = text.startsWith("-");
            // '+' may arrive as a space when a client form-encoded it.
            String name = text.startsWith("-") || text.startsWith("+") || text.startsWith(" ") ? text.substring(1) : text;
            Field field = fields.get(name);
            if (field == null) {
                throw Rql.invalid("unknown field " + name);
            }
            if (orderBy.length() > 0) {
                orderBy.append(", ");
            }
            if (field instanceof Field.Column column) {
                orderBy.append(column.sql());
            } else {
                Field.Elements elements = (Field.Elements) field;
                addKind(elements, orderParameters);
                // Like MongoDB: an array sorts by its smallest element ascending, its largest descending.
                String kind = kindCondition(elements);
                orderBy.append(descending ? "(SELECT MAX(e." : "(SELECT MIN(e.").append(elements.valueColumn()).append(") FROM ").append(elements.table())
                        .append(" e WHERE e.").append(elements.ownerColumn()).append(" = m.id")
                        .append(kind.isEmpty() ? "" : " AND " + kind.substring(0, kind.length() - " AND ".length())).append(")");
            }
            orderBy.append(descending ? " DESC" : " ASC");
        }
    }

    private List<String> select(RqlCall call) {
        List<String> names = new ArrayList<>();
        for (Object arg : call.args()) {
            if (!(arg instanceof RqlValue value) || value.text().isBlank()) {
                throw Rql.invalid("select takes field names");
            }
            String name = value.text();
            boolean known = fields.containsKey(name) || fields.keySet().stream().anyMatch(f -> f.startsWith(name + "."));
            if (!known) {
                throw Rql.invalid("unknown field " + name);
            }
            names.add(name);
        }
        if (names.isEmpty()) {
            throw Rql.invalid("select needs at least one field");
        }
        return names;
    }

    private Field field(Object arg) {
        if (!(arg instanceof RqlValue value)) {
            throw Rql.invalid("expected a field name");
        }
        Field field = fields.get(value.text());
        if (field == null) {
            throw Rql.invalid("unknown field " + value.text());
        }
        return field;
    }

    private static RqlValue value(Object arg, String operator) {
        if (!(arg instanceof RqlValue value)) {
            throw Rql.invalid(operator + " expects a value");
        }
        return value;
    }

    private static Object typed(Field.Column column, RqlValue value) {
        if (!column.numeric()) {
            return value.text();
        }
        if (!value.numeric()) {
            throw Rql.invalid("'" + value.text() + "' is not a number");
        }
        return value.number();
    }

    private static int wholeNumber(Object arg, String what) {
        if (arg instanceof RqlValue value && value.numeric()) {
            try {
                int number = value.number().intValueExact();
                if (number >= 0) {
                    return number;
                }
            } catch (ArithmeticException e) {
                // falls through to the error below
            }
        }
        throw Rql.invalid(what + " must be a whole number of at least 0");
    }

    private static void arguments(RqlCall call, int count) {
        if (call.args().size() != count) {
            throw Rql.invalid(call.name() + " takes " + count + " arguments, not " + call.args().size());
        }
    }
}
