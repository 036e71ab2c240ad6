package io.mailgate.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.security.SecretBox;
import io.mailgate.security.SignIn;

/**
 * The console's session is an access token in an {@code HttpOnly}, {@code SameSite=Strict} cookie
 * ({@code Secure} when served over TLS), so that the console calls the same API, under the same
 * scopes, as any client. Every API family's route configuration runs {@link #apply} first: a request
 * with the cookie and no Authorization header is the console's, and a change (anything but GET and
 * HEAD) must carry the session's CSRF token in {@code X-CSRF-Token}, else 403.
 */
public class ConsoleCookies {

    public static final String COOKIE = "mailgate_console";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
    private static final String CSRF_PURPOSE = "console-csrf";
    private static final String SIGN_IN = "/console/api/session";

    private final SecretBox secretBox;
    private final boolean publicUrlIsTls;

    public ConsoleCookies(SecretBox secretBox, String publicUrl) {
        this.secretBox = secretBox;
        this.publicUrlIsTls = publicUrl.toLowerCase(Locale.ROOT).startsWith("https:");
    }

    /** Turns the console's cookie into the request's bearer token, after the CSRF check of a change. */
    public void apply(Exchange exchange) {
        Message in = exchange.getMessage();
        if (in.getHeader("Authorization") != null) {
            return;
        }
        Optional<String> token = token(in.getHeader("Cookie", String.class));
        if (token.isEmpty()) {
            return;
        }
        String method = String.valueOf(in.getHeader(Exchange.HTTP_METHOD)).toUpperCase(Locale.ROOT);
        if (method.equals("POST") && String.valueOf(in.getHeader(Exchange.HTTP_URI)).endsWith(SIGN_IN)) {
            return; // signing in again: an old cookie counts for nothing
        }
        if (!SAFE.contains(method) && !matches(csrf(token.get()), in.getHeader("X-CSRF-Token", String.class))) {
            throw new ApiException(ErrorCode.FORBIDDEN, "A change from the console needs the session's CSRF token (X-CSRF-Token)");
        }
        in.setHeader("Authorization", "Bearer " + token.get());
    }

    /** The CSRF token of a session: derived from its access token, so nothing more is stored. */
    public String csrf(String token) {
        return secretBox.sign(CSRF_PURPOSE, token);
    }

    /** The Set-Cookie header of a new session. */
    public String cookie(SignIn.Session session, Object forwardedProto) {
        return COOKIE + "=" + session.token() + "; Path=/; Max-Age=" + session.ttlSeconds() + "; HttpOnly; SameSite=Strict"
                + (secure(forwardedProto) ? "; Secure" : "");
    }

    /** The Set-Cookie header that ends a session in the browser. */
    public String cleared(Object forwardedProto) {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure(forwardedProto) ? "; Secure" : "");
    }

    /** Served over TLS: the public URL is https, or the proxy in front says the request came over https. */
    private boolean secure(Object forwardedProto) {
        return publicUrlIsTls || forwardedProto instanceof String proto && proto.trim().equalsIgnoreCase("https");
    }

    static Optional<String> token(String cookieHeader) {
        if (cookieHeader == null || cookieHeader.length() > 8192) {
            return Optional.empty();
        }
        for (String pair : cookieHeader.split(";")) {
            String trimmed = pair.trim();
            if (trimmed.startsWith(COOKIE + "=")) {
                String value = trimmed.substring(COOKIE.length() + 1).trim();
                return value.isEmpty() || value.length() > 200 ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    private static boolean matches(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
    }
}
