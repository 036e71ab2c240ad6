package io.mailgate.template.v1;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.template.language.JsValues;

/**
 * One field of a templates v1 template: the documented part of Velocity and nothing more —
 * {@code $content.a.b} references (also {@code $!content.x}, {@code ${content.x}} and
 * {@code $content.list[0]}), {@code #if(…) … #elseif(…) … #else … #end} blocks whose condition is a
 * reference, optionally negated, Velocity comments, and {@code {{key,arg1,arg2}}} localizations with
 * {@code $1}, {@code $2} … in their text. Any other directive ({@code #set}, {@code #foreach},
 * {@code #include} …) or a method call is refused when the template is saved (1004): no
 * general-purpose template engine runs what a client stored.
 *
 * <p>A reference prints as JavaScript prints the value; a reference to nothing prints as written
 * (Velocity's way) unless it is quiet ({@code $!content.x}), which prints nothing.
 */
public final class V1Text {

    private static final Pattern DIRECTIVE = Pattern.compile("#\\{?([a-zA-Z]+)}?");
    private static final Set<String> REFUSED = Set.of("set", "foreach", "macro", "include", "parse", "evaluate", "define",
            "break", "stop");
    private static final String PATH = "((?:\\.[A-Za-z_][A-Za-z0-9_-]*|\\[\\d{1,6}])*)";
    private static final Pattern REFERENCE = Pattern.compile("\\$(!)?(?:\\{content" + PATH + "}|content" + PATH + "(?![A-Za-z0-9_]))");
    private static final Pattern SEGMENT = Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_-]*)|\\[(\\d{1,6})]");

    private final List<Node> nodes;
    private final Set<String> localizationKeys;

    private V1Text(List<Node> nodes, Set<String> localizationKeys) {
        this.nodes = nodes;
        this.localizationKeys = localizationKeys;
    }

    /** What a field needs to render: its content and localizations. */
    public interface Scope {
        /** The key's text in the rendering's language, else in English; 1002 when unknown. */
        String localization(String key);
    }

    private sealed interface Node permits Text, Reference, Condition, Localization {
    }

    private record Text(String text) implements Node {
    }

    private record Reference(String source, boolean quiet, List<Object> path) implements Node {
    }

    private record Branch(Reference test, boolean negated, List<Node> body) {
    }

    private record Condition(List<Branch> branches, List<Node> otherwise) implements Node {
    }

    private record Localization(String key, List<List<Node>> arguments) implements Node {
    }

    public Set<String> localizationKeys() {
        return localizationKeys;
    }

    /** Parses a field, refusing what is not the documented subset with 1004 naming the field. */
    public static V1Text parse(String field, String source) {
        Parser parser = new Parser(field, stripComments(source));
        return new V1Text(parser.block(Set.of()), parser.keys);
    }

    /** Renders the field with a resolve's content (a JSON model: maps, lists, strings, doubles, booleans). */
    public String render(Object content, Scope scope) {
        StringBuilder out = new StringBuilder();
        render(nodes, content, scope, out);
        return out.toString();
    }

    private static void render(List<Node> nodes, Object content, Scope scope, StringBuilder out) {
        for (Node node : nodes) {
            if (node instanceof Text text) {
                out.append(text.text());
            } else if (node instanceof Reference reference) {
                Object value = lookUp(content, reference);
                out.append(value == null ? (reference.quiet() ? "" : reference.source()) : JsValues.toText(value));
            } else if (node instanceof Condition condition) {
                List<Node> chosen = condition.otherwise();
                for (Branch branch : condition.branches()) {
                    if (truthy(lookUp(content, branch.test())) != branch.negated()) {
                        chosen = branch.body();
                        break;
                    }
                }
                render(chosen, content, scope, out);
            } else if (node instanceof Localization localization) {
                List<String> arguments = new ArrayList<>();
                for (List<Node> argument : localization.arguments()) {
                    StringBuilder rendered = new StringBuilder();
                    render(argument, content, scope, rendered);
                    arguments.add(rendered.toString().trim());
                }
                out.append(V1Localizations.fill(scope.localization(localization.key()), arguments));
            }
        }
    }

    private static Object lookUp(Object content, Reference reference) {
        Object value = content;
        for (Object step : reference.path()) {
            if (step instanceof Integer index && value instanceof List<?> list) {
                value = index < list.size() ? list.get(index) : null;
            } else if (step instanceof String name && value instanceof Map<?, ?> map) {
                value = map.get(name);
            } else {
                return null;
            }
        }
        return value;
    }

    /** Velocity 2's #if: null, false, an empty string, list or object, and zero are false. */
    private static boolean truthy(Object value) {
        if (value instanceof List<?> list) {
            return !list.isEmpty();
        }
        if (value instanceof Map<?, ?> map) {
            return !map.isEmpty();
        }
        return JsValues.truthy(value);
    }

    private static String stripComments(String source) {
        return source.replaceAll("(?s)#\\*.*?\\*#", "").replaceAll("##[^\\n]*", "");
    }

    private static final class Parser {
        private final String field;
        private final String source;
        private final Set<String> keys = new LinkedHashSet<>();
        private int at;
        private String pendingDirective;

        Parser(String field, String source) {
            this.field = field;
            this.source = source;
        }

        /** Nodes up to one of the directives that end a block (left unconsumed, named in pendingDirective). */
        List<Node> block(Set<String> enders) {
            List<Node> nodes = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            while (at < source.length()) {
                char c = source.charAt(at);
                if (c == '#') {
                    Matcher directive = DIRECTIVE.matcher(source).region(at, source.length());
                    if (directive.lookingAt()) {
                        String name = directive.group(1);
                        if (REFUSED.contains(name)) {
                            throw problem("#" + name + " is not supported: a v1 field has $content references, #if blocks "
                                    + "and {{localizations}}");
                        }
                        if (name.equals("if") || name.equals("elseif") || name.equals("else") || name.equals("end")) {
                            flush(text, nodes);
                            if (!name.equals("if")) {
                                if (!enders.contains(name)) {
                                    throw problem("#" + name + " without an #if");
                                }
                                pendingDirective = name;
                                return nodes;
                            }
                            at = directive.end();
                            nodes.add(condition());
                            continue;
                        }
                    }
                } else if (c == '$') {
                    Matcher reference = REFERENCE.matcher(source).region(at, source.length());
                    if (reference.lookingAt()) {
                        flush(text, nodes);
                        at = reference.end();
                        if (at < source.length() && source.charAt(at) == '(') {
                            throw problem("method calls are not supported: " + reference.group() + "(…)");
                        }
                        nodes.add(reference(reference));
                        continue;
                    }
                } else if (source.startsWith("{{", at)) {
                    int close = source.indexOf("}}", at + 2);
                    if (close < 0) {
                        throw problem("{{ without }}");
                    }
                    flush(text, nodes);
                    nodes.add(localization(source.substring(at + 2, close)));
                    at = close + 2;
                    continue;
                }
                text.append(c);
                at++;
            }
            flush(text, nodes);
            pendingDirective = null;
            if (!enders.isEmpty()) {
                throw problem("#if without #end");
            }
            return nodes;
        }

        private Condition condition() {
            List<Branch> branches = new ArrayList<>();
            branches.add(branch());
            List<Node> otherwise = List.of();
            while (true) {
                String ender = pendingDirective;
                Matcher directive = DIRECTIVE.matcher(source).region(at, source.length());
                directive.lookingAt();
                at = directive.end();
                if (ender.equals("end")) {
                    return new Condition(branches, otherwise);
                }
                if (ender.equals("elseif")) {
                    branches.add(branch());
                } else {
                    otherwise = block(Set.of("end"));
                }
            }
        }

        private Branch branch() {
            while (at < source.length() && source.charAt(at) == ' ') {
                at++;
            }
            if (at >= source.length() || source.charAt(at) != '(') {
                throw problem("#if needs a condition in parentheses");
            }
            int close = source.indexOf(')', at);
            if (close < 0) {
                throw problem("#if( without )");
            }
            String condition = source.substring(at + 1, close).trim();
            at = close + 1;
            boolean negated = condition.startsWith("!");
            String test = negated ? condition.substring(1).trim() : condition;
            Matcher reference = REFERENCE.matcher(test);
            if (!reference.matches()) {
                throw problem("an #if condition is a $content reference, optionally negated with !, not '" + condition + "'");
            }
            return new Branch(reference(reference), negated, block(Set.of("elseif", "else", "end")));
        }

        private Localization localization(String inside) {
            String[] parts = inside.split(",", -1);
            String key = parts[0].trim();
            if (key.isEmpty() || key.length() > 255 || !key.matches("[A-Za-z0-9_.-]+")) {
                throw problem("{{" + inside + "}} does not start with a localization key");
            }
            keys.add(key);
            List<List<Node>> arguments = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                Parser argument = new Parser(field, parts[i]);
                arguments.add(argument.block(Set.of()));
            }
            return new Localization(key, arguments);
        }

        private static Reference reference(Matcher reference) {
            List<Object> path = new ArrayList<>();
            Matcher segment = SEGMENT.matcher(reference.group(2) != null ? reference.group(2) : reference.group(3));
            while (segment.find()) {
                path.add(segment.group(1) != null ? segment.group(1) : (Object) Integer.valueOf(segment.group(2)));
            }
            return new Reference(reference.group(), reference.group(1) != null, path);
        }

        private static void flush(StringBuilder text, List<Node> nodes) {
            if (!text.isEmpty()) {
                nodes.add(new Text(text.toString()));
                text.setLength(0);
            }
        }

        ApiException problem(String message) {
            int line = 1;
            for (int i = 0; i < Math.min(at, source.length()); i++) {
                if (source.charAt(i) == '\n') {
                    line++;
                }
            }
            return new ApiException(ErrorCode.TEMPLATE_SYNTAX, "Field " + field + " is not a valid template: " + message
                    + " (line " + line + ")", Map.of("syntaxError", Map.of("output", field, "message", message, "line", line)),
                    List.of("body", "fields", field));
        }
    }
}
