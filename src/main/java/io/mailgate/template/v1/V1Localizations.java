package io.mailgate.template.v1;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Templates v1's positional localization arguments: {@code $1}, {@code $2} … in a text. */
public final class V1Localizations {

    private static final Pattern POSITION = Pattern.compile("\\$(\\d+)");

    private V1Localizations() {
    }

    /** The text with $n replaced by the n-th argument; a $n without an argument stays as written. */
    public static String fill(String text, List<String> arguments) {
        if (arguments.isEmpty() || text.indexOf('$') < 0) {
            return text;
        }
        Matcher matcher = POSITION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            int position = Integer.parseInt(matcher.group(1).length() > 4 ? "0" : matcher.group(1));
            String replacement = position >= 1 && position <= arguments.size() ? arguments.get(position - 1) : matcher.group();
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
