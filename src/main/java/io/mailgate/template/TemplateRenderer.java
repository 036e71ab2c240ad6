package io.mailgate.template;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheFactory;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.mail.Headers;

/**
 * Renders templates with Mustache (mustache.java). {@code {{@inputs.x}}} reads an input,
 * {@code {{#t}}key{{/t}}} a localization, {@code {{@time_zone}}} the time zone, {@code {{@language}}} the
 * language and {@code {{@public_url}}} the gateway's public URL. Only the HTML output
 * ({@code body}) is HTML-escaped. Compiled templates are cached per template version.
 */
public class TemplateRenderer {

    public static final String HTML_OUTPUT = "body";
    public static final String SUBJECT_OUTPUT = "subject";
    private static final Pattern LOCALIZATION = Pattern.compile("\\{\\{#t}}(.*?)\\{\\{/t}}", Pattern.DOTALL);
    private static final int CACHE_SIZE = 1000;

    private final ObjectMapper mapper;
    private final MustacheFactory html = new DefaultMustacheFactory();
    private final MustacheFactory plain = new DefaultMustacheFactory() {
        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new MustacheException(e);
            }
        }
    };
    /** Compiled outputs by template version; old versions age out. */
    private final Map<String, Map<String, Mustache>> cache = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Map<String, Mustache>> eldest) {
                    return size() > CACHE_SIZE;
                }
            });

    private final String publicUrl;

    /** @param publicUrl where mail clients reach this gateway, for tracking pixels ({{@public_url}}) */
    public TemplateRenderer(ObjectMapper mapper, String publicUrl) {
        this.mapper = mapper;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    /** Refuses outputs that do not compile, naming the output and the problem (code 1004). */
    public void checkSyntax(Map<String, String> outputs) {
        compile(outputs);
    }

    /** The localization keys the outputs use, recorded with the template. */
    public static Set<String> localizationKeys(Map<String, String> outputs) {
        Set<String> keys = new LinkedHashSet<>();
        for (String source : outputs.values()) {
            Matcher matcher = LOCALIZATION.matcher(source);
            while (matcher.find()) {
                keys.add(matcher.group(1).trim());
            }
        }
        return keys;
    }

    /** One rendered string per output. */
    public Map<String, String> render(Template template, Localized localized, String language, String timeZone,
                                      JsonNode inputs) {
        checkInputs(template, inputs);
        Map<String, Mustache> compiled = cache.computeIfAbsent(template.cacheKey(), key -> compile(template.outputs()));
        Object inputValues = mapper.convertValue(inputs, Object.class);
        Map<String, String> rendered = new LinkedHashMap<>();
        for (Map.Entry<String, Mustache> output : compiled.entrySet()) {
            boolean escape = output.getKey().equals(HTML_OUTPUT);
            Map<String, Object> scope = new HashMap<>();
            scope.put("@inputs", inputValues);
            scope.put("@time_zone", timeZone);
            scope.put("@language", language);
            scope.put("@public_url", publicUrl);
            scope.put("t", (Function<String, String>) key -> localize(localized, key.trim(), language, escape));
            StringWriter writer = new StringWriter();
            try {
                output.getValue().execute(writer, List.of(scope)).flush();
            } catch (MustacheException | IOException e) {
                ApiException cause = apiCause(e);
                throw cause != null ? cause : new ApiException(ErrorCode.TEMPLATE_RESOLVING,
                        "Output " + output.getKey() + " could not be rendered: " + e.getMessage());
            }
            rendered.put(output.getKey(), writer.toString());
        }
        String subject = rendered.get(SUBJECT_OUTPUT);
        if (subject != null && Headers.hasControlCharacters(subject)) {
            throw new ApiException(ErrorCode.TEMPLATE_RESOLVING,
                    "The rendered subject contains a line break or control character");
        }
        return rendered;
    }

    private static void checkInputs(Template template, JsonNode inputs) {
        for (Map.Entry<String, String> declared : template.inputs().entrySet()) {
            JsonNode value = inputs.get(declared.getKey());
            InputType type = InputType.of(declared.getValue()).orElse(InputType.STRING);
            if (value == null || value.isNull()) {
                throw filling(declared.getKey(), "Input " + declared.getKey() + " is missing");
            }
            if (!type.accepts(value)) {
                throw filling(declared.getKey(), "Input " + declared.getKey() + " must be a " + type.wire());
            }
        }
    }

    private static ApiException filling(String input, String message) {
        return new ApiException(ErrorCode.TEMPLATE_FILLING, message, Map.of("input", input), List.of("body", "inputs", input));
    }

    private static String localize(Localized localized, String key, String language, boolean escape) {
        String text = localized.text(key, language).orElseThrow(() -> new ApiException(ErrorCode.LOCALIZATION_UNKNOWN,
                "Localization " + key + " is unknown", Map.of("key", key), List.of()));
        return escape ? escapeHtml(text) : text;
    }

    private Map<String, Mustache> compile(Map<String, String> outputs) {
        Map<String, Mustache> compiled = new LinkedHashMap<>();
        for (Map.Entry<String, String> output : outputs.entrySet()) {
            MustacheFactory factory = output.getKey().equals(HTML_OUTPUT) ? html : plain;
            try {
                compiled.put(output.getKey(), factory.compile(new StringReader(output.getValue()), output.getKey()));
            } catch (MustacheException e) {
                throw new ApiException(ErrorCode.TEMPLATE_SYNTAX, "Output " + output.getKey() + " is not valid Mustache",
                        Map.of("syntaxError", Map.of("output", output.getKey(), "message", String.valueOf(e.getMessage()))),
                        List.of("body", "outputs", output.getKey()));
            }
        }
        return compiled;
    }

    private static ApiException apiCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
        }
        return null;
    }

    static String escapeHtml(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
