package io.mailgate.security;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * Checks the bearer token of a request against the scope a flow needs. Flows call
 * {@code authorize(${header.Authorization}, 'scope')} first and keep the client id it returns.
 */
public class Access {

    private static final String BEARER = "bearer ";

    private final Tokens tokens;

    public Access(Tokens tokens) {
        this.tokens = tokens;
    }

    /** The caller's id when the token holds the scope: the user's, or the client's when no user logged in. */
    public String authorize(Object authorization, String scope) {
        return principal(authorization, scope).actor();
    }

    /** Any valid token, whatever its scopes: for what Extra Horizon lets every signed-in caller do. */
    public String authenticate(Object authorization) {
        return principal(authorization, null).actor();
    }

    public Principal principal(Object authorization, String scope) {
        // A header given twice arrives as a list: that is not a credential we accept.
        if (!(authorization instanceof String header)
                || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new ApiException(ErrorCode.NOT_AUTHENTICATED, "No bearer token was given");
        }
        String token = header.substring(BEARER.length()).trim();
        if (token.isEmpty() || token.length() > 200) {
            throw new ApiException(ErrorCode.TOKEN_UNKNOWN, "The access token is unknown");
        }
        Tokens.Lookup lookup = tokens.lookup(token, Tokens.ACCESS);
        Principal principal = lookup.principal()
                .orElseThrow(() -> new ApiException(ErrorCode.TOKEN_UNKNOWN, "The access token is unknown"));
        if (lookup.expired()) {
            throw new ApiException(ErrorCode.TOKEN_EXPIRED, "The access token has expired");
        }
        if (scope != null && !principal.scopes().contains(scope)) {
            throw new ApiException(ErrorCode.NO_PERMISSION, "This action needs the scope " + scope);
        }
        return principal;
    }
}
