package io.mailgate.platform.rql;

import java.util.List;

/**
 * One RQL operator call, e.g. {@code eq(subject,Hello)}. Each argument is an {@link RqlCall}, an
 * {@link RqlValue}, or a {@code List<RqlValue>} for a parenthesised array such as {@code (a,b)}.
 */
public record RqlCall(String name, List<Object> args) {

    public RqlCall {
        args = List.copyOf(args);
    }
}
