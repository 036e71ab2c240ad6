package io.mailgate.platform.rql;

/** How an RQL field is stored: a column of the main table, or rows of a child table (an array). */
public sealed interface Field {

    /** A column of the main table (alias {@code m}); {@code numeric} columns only compare with numbers. */
    record Column(String sql, boolean numeric) implements Field {
    }

    /**
     * An array kept as rows {@code (owner, kind, value)} of a child table: a comparison matches when
     * any element does, and the negations ({@code ne}, {@code out}) when none does. A child table that
     * keeps one array only has no kind column ({@code kindColumn} and {@code kind} null).
     */
    record Elements(String table, String ownerColumn, String kindColumn, String kind, String valueColumn) implements Field {
    }
}
