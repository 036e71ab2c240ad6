package io.mailgate.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import io.mailgate.platform.http.ApiException;
import io.mailgate.security.Principal;
import io.mailgate.security.SecretBox;
import io.mailgate.security.SignIn;

/**
 * The console's cookie stands for its access token: read from the Cookie header only when no
 * Authorization header is there, a change refused without the session's CSRF token, signing in never
 * held up by an old cookie, and the cookie's attributes as a session cookie must have them.
 */
class ConsoleCookiesTest {

    private final ConsoleCookies cookies = new ConsoleCookies(new SecretBox(new byte[32]), "http://localhost:8080");
    private final DefaultCamelContext context = new DefaultCamelContext();

    @Test
    void aReadingRequestWithTheCookieGetsTheBearerToken() {
        Exchange exchange = request("GET", "/mail/v1/", "theme=dark; mailgate_console=tok123; other=x");
        cookies.apply(exchange);
        assertEquals("Bearer tok123", exchange.getMessage().getHeader("Authorization"));
    }

    @Test
    void anAuthorizationHeaderWinsOverTheCookie() {
        Exchange exchange = request("POST", "/mail/v1/", "mailgate_console=tok123");
        exchange.getMessage().setHeader("Authorization", "Bearer api-client");
        cookies.apply(exchange);
        assertEquals("Bearer api-client", exchange.getMessage().getHeader("Authorization"));
    }

    @Test
    void aChangeNeedsTheSessionsCsrfToken() {
        Exchange missing = request("POST", "/api/v1/suppressions", "mailgate_console=tok123");
        ApiException refused = assertThrows(ApiException.class, () -> cookies.apply(missing));
        assertEquals(403, refused.errorCode().status());
        assertNull(missing.getMessage().getHeader("Authorization"));

        Exchange wrong = request("DELETE", "/api/v1/suppressions/a@example.com", "mailgate_console=tok123");
        wrong.getMessage().setHeader("X-CSRF-Token", cookies.csrf("another-token"));
        assertThrows(ApiException.class, () -> cookies.apply(wrong));

        Exchange right = request("DELETE", "/api/v1/suppressions/a@example.com", "mailgate_console=tok123");
        right.getMessage().setHeader("X-CSRF-Token", cookies.csrf("tok123"));
        cookies.apply(right);
        assertEquals("Bearer tok123", right.getMessage().getHeader("Authorization"));
    }

    @Test
    void signingInIsNotHeldUpByAnOldCookie() {
        Exchange exchange = request("POST", "http://localhost:8080/console/api/session", "mailgate_console=expired");
        cookies.apply(exchange);
        assertNull(exchange.getMessage().getHeader("Authorization"));
    }

    @Test
    void theCookieIsHttpOnlyAndStrictAndSecureOverTls() {
        SignIn.Session session = new SignIn.Session("tok123", new Principal("c", null, Set.of()), "c", 3600);
        String plain = cookies.cookie(session, null);
        assertTrue(plain.startsWith("mailgate_console=tok123; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict"), plain);
        assertTrue(!plain.contains("Secure"), plain);
        assertTrue(cookies.cookie(session, "https").endsWith("; Secure"));
        assertTrue(new ConsoleCookies(new SecretBox(new byte[32]), "https://mail.example.com").cookie(session, null).endsWith("; Secure"));
        assertTrue(cookies.cleared(null).contains("Max-Age=0"));
    }

    @Test
    void onlyTheConsolesCookieCounts() {
        assertEquals(Optional.empty(), ConsoleCookies.token("mailgate_console_other=x; session=y"));
        assertEquals(Optional.empty(), ConsoleCookies.token("mailgate_console="));
        assertEquals(Optional.empty(), ConsoleCookies.token(null));
        assertEquals(Optional.of("abc"), ConsoleCookies.token("a=1;mailgate_console=abc"));
    }

    private Exchange request(String method, String uri, String cookie) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, method);
        exchange.getMessage().setHeader(Exchange.HTTP_URI, uri);
        exchange.getMessage().setHeader("Cookie", cookie);
        return exchange;
    }
}
