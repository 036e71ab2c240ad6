package io.mailgate.platform;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * No secret in any log line, at any level: every secret Mailgate holds in plain text (from the
 * configuration, or decrypted from the database: provider, connector and storage secrets) is known
 * here, and the logback converter that renders {@code %msg} replaces each occurrence with
 * {@value #MASK}. Libraries log what they resolve at DEBUG (Camel's properties parser logs every
 * kamelet parameter, endpoint URIs carry RAW(...) values); this catches what no one marked sensitive.
 */
public final class LogMasking extends MessageConverter {

    public static final String MASK = "******";

    /** Shorter values would mask ordinary words. */
    private static final int SHORTEST = 6;
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    /** Masks these values in every log line from now on. */
    public static void hide(Collection<String> secrets) {
        for (String secret : secrets) {
            hide(secret);
        }
    }

    public static void hide(String secret) {
        if (secret != null && secret.length() >= SHORTEST) {
            SECRETS.add(secret);
        }
    }

    /** Credentials a library prints as a header (HTTP client wire logs): Basic is only base64 of the secret. */
    private static final java.util.regex.Pattern AUTHORIZATION = java.util.regex.Pattern.compile(
            "(?i)\\b(Basic|Bearer)\\s+[A-Za-z0-9+/=._~-]{8,}");

    static String mask(String message) {
        if (message == null) {
            return null;
        }
        String masked = AUTHORIZATION.matcher(message).replaceAll("$1 " + MASK);
        for (String secret : SECRETS) {
            if (masked.contains(secret)) {
                masked = masked.replace(secret, MASK);
            }
        }
        return masked;
    }

    @Override
    public String convert(ILoggingEvent event) {
        return mask(super.convert(event));
    }
}
