package io.mailgate.platform.rql;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * Parses the query string of a list request as RQL, persvr style. The whole string is percent-decoded
 * once, then parsed; each value is percent-decoded a second time, because the Extra Horizon SDK encodes
 * values before it encodes the URL ({@code eq(template_name,my%252Demail)}).
 */
public final class Rql {

    /** Query strings past this length are refused before parsing. */
    static final int MAX_LENGTH = 8192;
    private static final int MAX_DEPTH = 32;

    private final String text;
    private int position;
    private int depth;

    private Rql(String text) {
        this.text = text;
    }

    /** @return the top-level terms, which are and-ed together. */
    public static List<RqlCall> parse(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return List.of();
        }
        if (rawQuery.length() > MAX_LENGTH) {
            throw invalid("the query is longer than " + MAX_LENGTH + " characters");
        }
        Rql parser = new Rql(percentDecode(rawQuery));
        return parser.query();
    }

    private List<RqlCall> query() {
        List<RqlCall> terms = new ArrayList<>();
        while (position < text.length()) {
            if (peek() == '&') {
                position++;
                continue;
            }
            terms.add(term());
            if (position < text.length() && peek() != '&') {
                throw invalid("unexpected '" + peek() + "' at position " + position);
            }
        }
        return terms;
    }

    /** {@code name(args)} or the shorthand {@code field=value} for eq. */
    private RqlCall term() {
        String name = word();
        if (position < text.length() && peek() == '(') {
            return call(name);
        }
        if (position < text.length() && peek() == '=') {
            position++;
            String raw = word();
            if (name.isEmpty()) {
                throw invalid("a field name is missing before '='");
            }
            return new RqlCall("eq", List.of(RqlValue.of(name), RqlValue.of(raw)));
        }
        throw invalid(name.isEmpty() ? "an operator is missing at position " + position : "'" + name + "' is not an operator call");
    }

    private RqlCall call(String name) {
        if (name.isEmpty() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_')) {
            throw invalid("'" + name + "' is not an operator name");
        }
        if (++depth > MAX_DEPTH) {
            throw invalid("the query nests deeper than " + MAX_DEPTH + " levels");
        }
        expect('(');
        List<Object> args = new ArrayList<>();
        if (peekOrEnd() != ')') {
            do {
                args.add(argument());
            } while (accept(','));
        }
        expect(')');
        depth--;
        return new RqlCall(name, args);
    }

    private Object argument() {
        if (peekOrEnd() == '(') {
            position++;
            List<RqlValue> values = new ArrayList<>();
            if (peekOrEnd() != ')') {
                do {
                    values.add(RqlValue.of(word()));
                } while (accept(','));
            }
            expect(')');
            return values;
        }
        String word = word();
        if (peekOrEnd() == '(') {
            return call(word);
        }
        return RqlValue.of(word);
    }

    /** Everything up to the next structural character. */
    private String word() {
        int start = position;
        while (position < text.length() && "(),&=".indexOf(text.charAt(position)) < 0) {
            position++;
        }
        return text.substring(start, position);
    }

    private char peek() {
        return text.charAt(position);
    }

    private char peekOrEnd() {
        return position < text.length() ? text.charAt(position) : '\0';
    }

    private boolean accept(char c) {
        if (peekOrEnd() == c) {
            position++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!accept(c)) {
            throw invalid(position < text.length()
                    ? "expected '" + c + "' but found '" + peek() + "' at position " + position
                    : "expected '" + c + "' but the query ended");
        }
    }

    /** Percent-decoding that keeps '+' as it is (it is RQL's ascending sort sign, not a space). */
    static String percentDecode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); ) {
            char c = value.charAt(i);
            if (c != '%') {
                flush(bytes, out);
                out.append(c);
                i++;
                continue;
            }
            if (i + 3 > value.length()) {
                throw invalid("incomplete percent-encoding in '" + shorten(value) + "'");
            }
            int high = Character.digit(value.charAt(i + 1), 16);
            int low = Character.digit(value.charAt(i + 2), 16);
            if (high < 0 || low < 0) {
                throw invalid("invalid percent-encoding in '" + shorten(value) + "'");
            }
            bytes.write(high * 16 + low);
            i += 3;
        }
        flush(bytes, out);
        return out.toString();
    }

    private static void flush(ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes.size() == 0) {
            return;
        }
        try {
            out.append(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())));
        } catch (CharacterCodingException e) {
            throw invalid("a percent-encoded value is not UTF-8");
        }
        bytes.reset();
    }

    private static String shorten(String value) {
        return value.length() > 60 ? value.substring(0, 60) + "..." : value;
    }

    static ApiException invalid(String reason) {
        return new ApiException(ErrorCode.INVALID_RQL, "Invalid RQL: " + reason);
    }
}
