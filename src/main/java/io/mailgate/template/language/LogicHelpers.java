package io.mailgate.template.language;

import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.IntPredicate;

import com.github.jknack.handlebars.Helper;

/**
 * {@code and}, {@code or}, {@code not} and the comparisons {@code eq ne gt ge lt le}, inline (true or
 * false, for {@code {{#if (eq a b)}}}) or as blocks with an {@code {{else}}}. Equality is
 * JavaScript's {@code ==}, order JavaScript's {@code <}, truth JavaScript's.
 */
final class LogicHelpers {

    private LogicHelpers() {
    }

    static void addTo(HelperCatalog catalog) {
        Signature.Call many = Signature.Call.of(2, Integer.MAX_VALUE);
        Signature.Call two = Signature.Call.of(2, 2);
        catalog.add("and", Signature.both(many), decide(arguments -> arguments.stream().allMatch(JsValues::truthy)));
        catalog.add("or", Signature.both(many), decide(arguments -> arguments.stream().anyMatch(JsValues::truthy)));
        catalog.add("not", Signature.both(Signature.Call.of(1, 1)), decide(arguments -> !JsValues.truthy(arguments.get(0))));
        catalog.add("eq", Signature.both(two), pair(JsValues::looselyEqual));
        catalog.add("ne", Signature.both(two), pair((a, b) -> !JsValues.looselyEqual(a, b)));
        catalog.add("gt", Signature.both(two), order(c -> c > 0));
        catalog.add("ge", Signature.both(two), order(c -> c >= 0));
        catalog.add("lt", Signature.both(two), order(c -> c < 0));
        catalog.add("le", Signature.both(two), order(c -> c <= 0));
    }

    private static Helper<Object> decide(java.util.function.Predicate<List<Object>> test) {
        return (context, options) -> HelperArguments.answer(test.test(HelperArguments.of(context, options)), options);
    }

    private static Helper<Object> pair(BiPredicate<Object, Object> test) {
        return decide(arguments -> test.test(arguments.get(0), arguments.get(1)));
    }

    private static Helper<Object> order(IntPredicate test) {
        return pair((a, b) -> {
            Integer comparison = JsValues.compare(a, b);
            return comparison != null && test.test(comparison);
        });
    }
}
