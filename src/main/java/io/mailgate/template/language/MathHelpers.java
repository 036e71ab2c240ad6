package io.mailgate.template.language;

import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

import com.github.jknack.handlebars.Helper;

/**
 * {@code sum subtract multiply divide} fold their arguments left to right, {@code mod} is
 * JavaScript's {@code %}, {@code floor ceil round} are JavaScript's {@code Math} functions. Every
 * argument is a number as JavaScript's {@code Number()} reads it; the answer prints as JavaScript
 * prints it ({@code 9}, {@code 0.5}, {@code NaN}).
 */
final class MathHelpers {

    private MathHelpers() {
    }

    static void addTo(HelperCatalog catalog) {
        Signature many = Signature.inlineOnly(Signature.Call.of(2, Integer.MAX_VALUE));
        Signature one = Signature.inlineOnly(Signature.Call.of(1, 1));
        catalog.add("sum", many, fold(Double::sum));
        catalog.add("subtract", many, fold((a, b) -> a - b));
        catalog.add("multiply", many, fold((a, b) -> a * b));
        catalog.add("divide", many, fold((a, b) -> a / b));
        catalog.add("mod", Signature.inlineOnly(Signature.Call.of(2, 2)), fold((a, b) -> a % b));
        catalog.add("floor", one, unary(Math::floor));
        catalog.add("ceil", one, unary(Math::ceil));
        catalog.add("round", one, unary(MathHelpers::round));
    }

    /** JavaScript's Math.round: halves go up, towards +∞ (-2.5 → -2). */
    static double round(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        double floor = Math.floor(value);
        return value - floor >= 0.5 ? floor + 1 : floor;
    }

    private static Helper<Object> fold(DoubleBinaryOperator operator) {
        return (context, options) -> {
            List<Object> arguments = HelperArguments.of(context, options);
            double result = JsValues.toNumber(arguments.get(0));
            for (Object argument : arguments.subList(1, arguments.size())) {
                result = operator.applyAsDouble(result, JsValues.toNumber(argument));
            }
            return result;
        };
    }

    private static Helper<Object> unary(DoubleUnaryOperator operator) {
        return (context, options) -> operator.applyAsDouble(JsValues.toNumber(HelperArguments.of(context, options).get(0)));
    }
}
