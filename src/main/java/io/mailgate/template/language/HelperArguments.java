package io.mailgate.template.language;

import java.util.ArrayList;
import java.util.List;

import com.github.jknack.handlebars.Context;
import com.github.jknack.handlebars.Options;

/** The positional arguments of a helper call, as Handlebars.js passes them. */
final class HelperArguments {

    private HelperArguments() {
    }

    /** jknack passes the first argument as the context, or the current scope when there is none. */
    static List<Object> of(Object context, Options options) {
        Integer size = options.data(Context.PARAM_SIZE);
        List<Object> arguments = new ArrayList<>();
        if (size == null || size == 0) {
            return arguments;
        }
        arguments.add(context);
        for (Object param : options.params) {
            arguments.add(param);
        }
        return arguments;
    }

    /** A block helper's body or else-part, chosen by the answer; the answer itself when inline. */
    static Object answer(boolean answer, Options options) throws java.io.IOException {
        if (options.tagType.inline()) {
            return answer;
        }
        return answer ? options.fn() : options.inverse();
    }
}
