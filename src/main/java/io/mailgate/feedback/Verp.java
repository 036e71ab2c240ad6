package io.mailgate.feedback;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Variable envelope return paths: a mail sent over SMTP leaves with the return path
 * {@code local+<mail id>@domain} of the configured bounce address, so that the bounce it may cause
 * names the mail whatever the bounce looks like.
 */
public final class Verp {

    private static final Pattern TAGGED = Pattern.compile("[^\\s<>@+]+\\+([0-9a-f]{24})@[^\\s<>@]+");

    private Verp() {
    }

    /** The mail's return path under the bounce address (e.g. bounces@example.com → bounces+id@example.com). */
    public static String address(String bounceAddress, String mailId) {
        int at = bounceAddress.lastIndexOf('@');
        return bounceAddress.substring(0, at) + "+" + mailId + bounceAddress.substring(at);
    }

    /** The mail id a return path names, when it is one of these. */
    public static Optional<String> mailId(String address) {
        if (address == null || address.length() > 1000) {
            return Optional.empty();
        }
        Matcher matcher = TAGGED.matcher(address.toLowerCase(Locale.ROOT));
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
