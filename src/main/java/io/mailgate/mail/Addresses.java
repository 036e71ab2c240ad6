package io.mailgate.mail;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/** Checks that a string is one mail address, optionally with a display name, and nothing that could break a header. */
public final class Addresses {

    private static final int MAX_LENGTH = 320;

    private Addresses() {
    }

    /** The address of "Name <address>", or the value itself when it names none, trimmed. */
    public static String bare(String value) {
        int open = value.lastIndexOf('<');
        int close = value.lastIndexOf('>');
        return (open >= 0 && close > open ? value.substring(open + 1, close) : value).trim();
    }

    /** @return why the value is not an acceptable address, or null when it is. */
    public static String problem(String value) {
        if (value == null || value.isBlank()) {
            return "is empty";
        }
        if (value.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        if (Headers.hasControlCharacters(value)) {
            return "contains a line break or control character";
        }
        try {
            InternetAddress[] parsed = InternetAddress.parse(value, true);
            if (parsed.length != 1 || parsed[0].isGroup()) {
                return "must be exactly one address";
            }
            InternetAddress address = parsed[0];
            address.validate();
            String mailbox = address.getAddress();
            int at = mailbox.lastIndexOf('@');
            if (at <= 0 || at == mailbox.length() - 1) {
                return "is not a valid email address";
            }
            return null;
        } catch (AddressException e) {
            return "is not a valid email address";
        }
    }
}
