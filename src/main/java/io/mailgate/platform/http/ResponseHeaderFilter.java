package io.mailgate.platform.http;

import java.util.Locale;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * Lets only response headers that Mailgate means to send reach the HTTP client. Without it every
 * inbound header (Authorization included) and every query parameter would be echoed back.
 */
public class ResponseHeaderFilter extends HttpHeaderFilterStrategy {

    private static final Set<String> ALLOWED = Set.of(
            "content-type", "www-authenticate", "cache-control", "pragma", "expires", "location", "retry-after",
            // the console's session cookie and the security headers of its pages
            "set-cookie", "content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options");

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        // The allow-list alone decides: the base strategy would also drop Cache-Control and Pragma.
        return !ALLOWED.contains(headerName.toLowerCase(Locale.ROOT));
    }
}
