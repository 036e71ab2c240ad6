package io.mailgate.template.language;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.Helper;
import com.github.jknack.handlebars.helper.DefaultHelperRegistry;

/**
 * The helpers a template may call, with their signatures: Handlebars.js' own ({@code if},
 * {@code unless}, {@code each}, {@code with}, {@code lookup}, {@code log}) and Extra Horizon's. jknack
 * registers a few more of its own ({@code block}, {@code partial}, {@code i18n} …); they are hidden,
 * so that a template means here what it means to Handlebars.js.
 */
public final class HelperCatalog {

    private static final Set<String> BUILT_IN = Set.of("if", "unless", "each", "with", "lookup");

    private final Map<String, Signature> signatures = new LinkedHashMap<>();
    private final Map<String, Helper<?>> helpers = new LinkedHashMap<>();

    public HelperCatalog() {
        Signature.Call condition = Signature.Call.of(1, 1);
        signatures.put("if", Signature.blockOnly(condition.withOptions(Set.of("includeZero"))));
        signatures.put("unless", Signature.blockOnly(condition.withOptions(Set.of("includeZero"))));
        signatures.put("each", Signature.blockOnly(condition));
        signatures.put("with", Signature.blockOnly(condition));
        signatures.put("lookup", Signature.inlineOnly(Signature.Call.of(2, 2)));
        // Handlebars.js logs to the browser console; a gateway must not write mail data into its logs.
        add("log", Signature.inlineOnly(Signature.Call.of(1, Integer.MAX_VALUE).withOptions(Set.of("level"))),
                (context, options) -> "");
    }

    public HelperCatalog add(String name, Signature signature, Helper<?> helper) {
        signatures.put(name, signature);
        helpers.put(name, helper);
        return this;
    }

    public Optional<Signature> signature(String name) {
        return Optional.ofNullable(signatures.get(name));
    }

    /** A Handlebars with exactly these helpers. */
    Handlebars install(Handlebars handlebars) {
        DefaultHelperRegistry registry = new DefaultHelperRegistry() {
            @Override
            public <C> Helper<C> helper(String name) {
                return BUILT_IN.contains(name) || helpers.containsKey(name) ? super.helper(name) : null;
            }
        };
        helpers.forEach(registry::registerHelper);
        return handlebars.with(registry);
    }
}
