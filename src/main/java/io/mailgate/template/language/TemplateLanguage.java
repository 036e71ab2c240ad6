package io.mailgate.template.language;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.jknack.handlebars.Context;
import com.github.jknack.handlebars.EscapingStrategy;
import com.github.jknack.handlebars.Formatter;
import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.HandlebarsError;
import com.github.jknack.handlebars.HandlebarsException;
import com.github.jknack.handlebars.Template;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * Extra Horizon's template language (templates v2): Handlebars, with its helpers (see
 * {@link HelperCatalog}), inputs under {@code @inputs}, and JavaScript's way of printing values. It
 * also renders the Mustache templates Mailgate stored before, which Handlebars reads the same way.
 *
 * <p>An HTML output escapes {@code {{…}}} as Handlebars.js does; a plain-text output (a subject, a
 * text part) does not, since escaping would put {@code &amp;} into a subject line.
 */
public final class TemplateLanguage {

    private static final Formatter JAVASCRIPT_PRINTING = (value, next) ->
            value instanceof Double || value instanceof Float || value instanceof List<?> || value instanceof Map<?, ?>
                    ? JsValues.toText(value) : next.format(value);

    private final HelperCatalog catalog = new HelperCatalog();
    private final Handlebars html;
    private final Handlebars plain;
    private final TemplateCheck check;

    public TemplateLanguage() {
        TranslateHelper.addTo(catalog);
        LogicHelpers.addTo(catalog);
        MathHelpers.addTo(catalog);
        ListHelpers.addTo(catalog);
        IntlHelpers.addTo(catalog);
        html = catalog.install(new Handlebars().with(EscapingStrategy.HTML_ENTITY).with(JAVASCRIPT_PRINTING));
        plain = catalog.install(new Handlebars().with(EscapingStrategy.NOOP).with(JAVASCRIPT_PRINTING));
        check = new TemplateCheck(catalog);
    }

    /** One output, compiled and checked, with the localization keys it names literally. */
    public record Compiled(String output, Template template, boolean html, Set<String> localizationKeys) {
    }

    /** Everything a rendering reads besides the inputs. */
    public record Rendering(String language, String timeZone, String publicUrl, Translations translations) {
    }

    /**
     * Compiles an output, or refuses it with 1004 naming the output, the problem and where it is: a
     * syntax error, an unknown helper, a helper called wrongly.
     */
    public Compiled compile(String output, String source, boolean htmlOutput) {
        Template template;
        try {
            template = (htmlOutput ? html : plain).compileInline(source);
        } catch (HandlebarsException e) {
            HandlebarsError error = e.getError();
            String reason = error == null ? String.valueOf(e.getMessage()) : error.reason;
            throw syntaxError(output, reason, error == null ? 0 : error.line, error == null ? 0 : error.column);
        } catch (IOException | RuntimeException e) {
            throw syntaxError(output, String.valueOf(e.getMessage()), 0, 0);
        }
        try {
            return new Compiled(output, template, htmlOutput, check.check(source));
        } catch (TemplateCheck.Problem problem) {
            throw syntaxError(output, problem.getMessage(), problem.line(), problem.column());
        }
    }

    /** Renders a compiled output; a problem only the values reveal (an unknown localization, a bad date) is a 4xx. */
    public String render(Compiled compiled, Object inputs, Rendering rendering) {
        Context context = Context.newBuilder(new LinkedHashMap<String, Object>())
                .resolver(JsValueResolver.INSTANCE)
                .build();
        context.data(TemplateData.INPUTS, inputs);
        context.data(TemplateData.LANGUAGE, rendering.language());
        context.data(TemplateData.TIME_ZONE, rendering.timeZone());
        context.data(TemplateData.PUBLIC_URL, rendering.publicUrl());
        context.data(TemplateData.TRANSLATIONS, rendering.translations());
        context.data(TemplateData.HTML, compiled.html());
        try {
            return compiled.template().apply(context);
        } catch (IOException | RuntimeException e) {
            ApiException api = apiCause(e);
            if (api != null) {
                throw api;
            }
            String reason = reason(e);
            throw new ApiException(ErrorCode.TEMPLATE_RESOLVING, "Output " + compiled.output() + " could not be rendered: " + reason,
                    Map.of("resolveError", Map.of("output", compiled.output(), "message", reason)),
                    List.of("body", "outputs", compiled.output()));
        } finally {
            context.destroy();
        }
    }

    private static ApiException syntaxError(String output, String reason, int line, int column) {
        Map<String, Object> where = new LinkedHashMap<>();
        where.put("output", output);
        where.put("message", reason);
        if (line > 0) {
            where.put("line", line);
            where.put("column", column);
        }
        return new ApiException(ErrorCode.TEMPLATE_SYNTAX, "Output " + output + " is not a valid template: " + reason
                + (line > 0 ? " (line " + line + ", column " + column + ")" : ""),
                Map.of("syntaxError", where), List.of("body", "outputs", output));
    }

    private static ApiException apiCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
        }
        return null;
    }

    /** The innermost helpful message: a helper's IllegalArgumentException says what was wrong. */
    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return e instanceof HandlebarsException hbs && hbs.getError() != null ? hbs.getError().reason : String.valueOf(e.getMessage());
    }
}
