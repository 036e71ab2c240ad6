package io.mailgate.template.language;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.github.jknack.handlebars.internal.antlr.BaseErrorListener;
import com.github.jknack.handlebars.internal.antlr.CharStreams;
import com.github.jknack.handlebars.internal.antlr.CommonTokenStream;
import com.github.jknack.handlebars.internal.antlr.ParserRuleContext;
import com.github.jknack.handlebars.internal.antlr.RecognitionException;
import com.github.jknack.handlebars.internal.antlr.Recognizer;
import com.github.jknack.handlebars.internal.antlr.tree.ParseTreeWalker;

import com.github.jknack.handlebars.internal.HbsLexer;
import com.github.jknack.handlebars.internal.HbsParser;
import com.github.jknack.handlebars.internal.HbsParserBaseListener;

/**
 * Walks a template that Handlebars compiled and checks every helper call against its
 * {@link Signature}: an unknown helper, a block-only helper used inline (or the reverse), a wrong
 * number of arguments, an unknown or missing named option, or a literal option Intl would refuse.
 * Partials, decorators, raw blocks and delimiter changes have no meaning for a stored template and
 * are refused too. It also collects the localization keys the template names literally.
 */
final class TemplateCheck {

    private final HelperCatalog catalog;

    TemplateCheck(HelperCatalog catalog) {
        this.catalog = catalog;
    }

    /** A problem found, with where it is (1-based line, 0-based column, as Handlebars reports). */
    static final class Problem extends RuntimeException {
        private final int line;
        private final int column;

        Problem(String message, int line, int column) {
            super(message, null, false, false);
            this.line = line;
            this.column = column;
        }

        int line() {
            return line;
        }

        int column() {
            return column;
        }
    }

    /** Checks the source (which Handlebars already parsed) and answers the localization keys it names. */
    Set<String> check(String source) {
        HbsLexer lexer = new HbsLexer(CharStreams.fromString(source), "{{", "}}");
        HbsParser parser = new HbsParser(new CommonTokenStream(lexer));
        BaseErrorListener failFast = new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object symbol, int line, int column, String message,
                                    RecognitionException e) {
                throw new Problem(message, line, column);
            }
        };
        lexer.removeErrorListeners();
        lexer.addErrorListener(failFast);
        parser.removeErrorListeners();
        parser.addErrorListener(failFast);
        Walker walker = new Walker();
        new ParseTreeWalker().walk(walker, parser.template());
        return walker.keys;
    }

    private enum Use { INLINE, BLOCK }

    private final class Walker extends HbsParserBaseListener {
        final Set<String> keys = new LinkedHashSet<>();

        @Override
        public void enterSexpr(HbsParser.SexprContext sexpr) {
            ParserRuleContext parent = sexpr.getParent();
            boolean subexpression = parent instanceof HbsParser.SubParamExprContext;
            Use use = parent instanceof HbsParser.BlockContext || parent instanceof HbsParser.UnlessContext
                    || parent instanceof HbsParser.ElseStmtChainContext ? Use.BLOCK : Use.INLINE;
            if (parent instanceof HbsParser.PexprContext || parent instanceof HbsParser.RawBlockContext) {
                return; // refused as a whole in enterPartial / enterRawBlock
            }
            String name = sexpr.QID().getText();
            Optional<Signature> signature = catalog.signature(name);
            int arguments = sexpr.param().size();
            if (signature.isEmpty()) {
                if (arguments > 0 || !sexpr.hash().isEmpty() || subexpression) {
                    throw problem(sexpr, "unknown helper '" + name + "'");
                }
                return; // a path: {{@inputs.x}}, or a section {{#@inputs.list}}…{{/@inputs.list}}
            }
            Signature.Call call = use == Use.INLINE ? signature.get().inline() : signature.get().block();
            if (call == null) {
                throw problem(sexpr, use == Use.INLINE
                        ? "helper '" + name + "' is a block helper: write {{#" + name + " …}}…{{/" + name + "}}"
                        : "helper '" + name + "' cannot be a block: write {{" + name + " …}}");
            }
            if (arguments < call.minArguments() || arguments > call.maxArguments()) {
                throw problem(sexpr, "helper '" + name + "' takes " + call.arity() + ", got " + arguments);
            }
            Map<String, Object> literals = new LinkedHashMap<>();
            boolean allLiteral = true;
            Set<String> given = new LinkedHashSet<>();
            for (HbsParser.HashContext option : sexpr.hash()) {
                String key = option.QID().getText();
                if (!call.allowsOption(key)) {
                    throw problem(option, "helper '" + name + "' has no option '" + key + "'"
                            + (call.options().isEmpty() ? "" : "; it takes " + String.join(", ", call.options().stream().sorted().toList())));
                }
                given.add(key);
                Object literal = literal(option.param());
                if (literal == null) {
                    allLiteral = false;
                } else {
                    literals.put(key, literal);
                }
            }
            for (String required : call.requiredOptions()) {
                if (!given.contains(required)) {
                    throw problem(sexpr, "helper '" + name + "' needs the option " + required + "=…");
                }
            }
            if (allLiteral) {
                try {
                    call.literalCheck().accept(literals);
                } catch (IllegalArgumentException e) {
                    throw problem(sexpr, "helper '" + name + "': " + e.getMessage());
                }
            }
            if (name.equals(TranslateHelper.NAME)) {
                collectKey(sexpr, use);
            }
        }

        private void collectKey(HbsParser.SexprContext sexpr, Use use) {
            if (use == Use.INLINE) {
                Object key = literal(sexpr.param(0));
                if (key instanceof String text) {
                    keys.add(text);
                }
            } else if (sexpr.getParent() instanceof HbsParser.BlockContext block) {
                List<HbsParser.StatementContext> body = block.thenBody.statement();
                if (body.size() == 1 && body.get(0).text() != null) {
                    keys.add(body.get(0).getText().trim());
                }
            }
        }

        @Override
        public void enterVar(HbsParser.VarContext var) {
            refuseDecorator(var, var.DECORATOR() != null);
        }

        @Override
        public void enterBlock(HbsParser.BlockContext block) {
            refuseDecorator(block, block.DECORATOR() != null);
        }

        @Override
        public void enterPartial(HbsParser.PartialContext partial) {
            throw problem(partial, "partials ({{> name}}) are not supported: a template is one text per output");
        }

        @Override
        public void enterPartialBlock(HbsParser.PartialBlockContext partial) {
            throw problem(partial, "partials ({{#> name}}) are not supported: a template is one text per output");
        }

        @Override
        public void enterRawBlock(HbsParser.RawBlockContext raw) {
            throw problem(raw, "raw blocks ({{{{name}}}}) are not supported");
        }

        @Override
        public void enterDelimiters(HbsParser.DelimitersContext delimiters) {
            throw problem(delimiters, "changing the delimiters ({{= =}}) is not supported");
        }

        private void refuseDecorator(ParserRuleContext context, boolean decorator) {
            if (decorator) {
                throw problem(context, "decorators ({{* …}}) are not supported");
            }
        }
    }

    /** A literal argument's value; null for a path or a subexpression, known only when rendering. */
    private static Object literal(HbsParser.ParamContext param) {
        if (param instanceof HbsParser.StringParamContext || param instanceof HbsParser.CharParamContext) {
            String quoted = param.getText();
            return quoted.substring(1, quoted.length() - 1);
        }
        if (param instanceof HbsParser.NumberParamContext) {
            return Double.valueOf(param.getText());
        }
        if (param instanceof HbsParser.BoolParamContext) {
            return Boolean.valueOf(param.getText());
        }
        return null;
    }

    private static Problem problem(ParserRuleContext context, String message) {
        return new Problem(message, context.getStart().getLine(), context.getStart().getCharPositionInLine());
    }
}
