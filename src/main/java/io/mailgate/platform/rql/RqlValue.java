package io.mailgate.platform.rql;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/** One RQL value: its decoded text, and whether its raw text was a number. */
public record RqlValue(String text, boolean numeric) {

    private static final Pattern NUMBER =
            Pattern.compile("-?(0|[1-9][0-9]{0,29})(\\.[0-9]{1,30})?([eE][-+]?[0-9]{1,3})?");

    static RqlValue of(String raw) {
        return new RqlValue(Rql.percentDecode(raw), NUMBER.matcher(raw).matches());
    }

    public BigDecimal number() {
        return new BigDecimal(text);
    }
}
