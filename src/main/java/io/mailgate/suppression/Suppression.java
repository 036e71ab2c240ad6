package io.mailgate.suppression;

/**
 * An address Mailgate must not mail for a client ({@link #GLOBAL}: for every client), and why.
 *
 * @param source who put it there: {@code api}, {@code bounce}, {@code complaint} or {@code unsubscribe}
 */
public record Suppression(String clientId, String email, String reason, String source, long createdAt) {

    /** The client id of the list that holds for every client. */
    public static final String GLOBAL = "*";
    public static final int MAX_REASON = 1000;

    public boolean global() {
        return GLOBAL.equals(clientId);
    }
}
