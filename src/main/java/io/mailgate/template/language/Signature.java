package io.mailgate.template.language;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How a helper may be called: inline ({@code {{x a}}} or a subexpression {@code (x a)}) and/or as a
 * block ({@code {{#x a}}…{{/x}}}), with how many arguments and which named ({@code key=value})
 * options. Checked when a template is saved, so that a wrong call is a 1004 then and never an empty
 * rendering later.
 *
 * @param inline the allowed inline call, or null when the helper is block-only
 * @param block the allowed block call, or null when the helper is inline-only
 */
public record Signature(Call inline, Call block) {

    /** Named options a helper accepts; {@code ANY} for free-form ones ({@code t}'s arguments). */
    public static final Set<String> ANY = Set.of("*");

    /**
     * One form of call.
     *
     * @param minArguments fewest positional arguments
     * @param maxArguments most positional arguments ({@link Integer#MAX_VALUE} for any number)
     * @param options the named options allowed
     * @param requiredOptions the named options that must be given
     * @param literalCheck checks literal option values at save time (throws IllegalArgumentException)
     */
    public record Call(int minArguments, int maxArguments, Set<String> options, Set<String> requiredOptions,
                       Consumer<Map<String, Object>> literalCheck) {

        public static Call of(int minArguments, int maxArguments) {
            return new Call(minArguments, maxArguments, Set.of(), Set.of(), options -> { });
        }

        public Call withOptions(Set<String> allowed) {
            return new Call(minArguments, maxArguments, allowed, requiredOptions, literalCheck);
        }

        public Call requiring(Set<String> required) {
            return new Call(minArguments, maxArguments, options, required, literalCheck);
        }

        public Call checkingLiterals(Consumer<Map<String, Object>> check) {
            return new Call(minArguments, maxArguments, options, requiredOptions, check);
        }

        boolean allowsOption(String name) {
            return options == ANY || options.contains(name);
        }

        String arity() {
            if (minArguments == maxArguments) {
                return minArguments + (minArguments == 1 ? " argument" : " arguments");
            }
            return maxArguments == Integer.MAX_VALUE ? "at least " + minArguments + " arguments"
                    : minArguments + " to " + maxArguments + " arguments";
        }
    }

    public static Signature inlineOnly(Call call) {
        return new Signature(call, null);
    }

    public static Signature blockOnly(Call call) {
        return new Signature(null, call);
    }

    public static Signature both(Call call) {
        return new Signature(call, call);
    }
}
