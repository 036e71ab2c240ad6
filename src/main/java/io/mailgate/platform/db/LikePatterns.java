package io.mailgate.platform.db;

import java.util.Locale;

/**
 * Case-insensitive "contains" searches with SQL LIKE, the user's text always a bound value. The
 * escape character is '!', not a backslash: Jdbi's SQL parser reads a backslash inside a quoted
 * literal as escaping the closing quote.
 */
public final class LikePatterns {

    /** Appended to {@code LOWER(column) LIKE ?}. */
    public static final String ESCAPE = " ESCAPE '!'";

    private LikePatterns() {
    }

    /** The pattern for "contains this text": %, _ and ! match themselves. */
    public static String containing(String text) {
        return "%" + escape(text) + "%";
    }

    /** The pattern for "starts with this text". */
    public static String startingWith(String text) {
        return escape(text) + "%";
    }

    /** The same, where each * of the text matches any characters (RQL's like). */
    public static String containingWithStars(String text) {
        return "%" + escape(text).replace('*', '%') + "%";
    }

    private static String escape(String text) {
        return text.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
