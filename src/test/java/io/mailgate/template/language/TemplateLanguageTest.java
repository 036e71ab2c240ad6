package io.mailgate.template.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * The v2 template language against what Extra Horizon's Handlebars.js service answers. The Intl
 * expectations were printed by Node.js 20 (ICU 78) with the same options, language and time zone.
 */
class TemplateLanguageTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Translations TEXTS = (key, language) -> Optional.ofNullable(Map.of(
            "greeting", Map.of("EN", "Dear {{first_name}}", "NL", "Beste {{first_name}}"),
            "heart_rate_msg", Map.of("EN", "On {{date}} at {{time}}, your heart rate was {{rate}} bpm.",
                    "NL", "Uw hartslag was {{rate}} spm op {{date}} om {{time}}."),
            "bold", Map.of("EN", "<b>Hi</b>"),
            "item_one", Map.of("EN", "{{count}} item"),
            "item_other", Map.of("EN", "{{count}} items"),
            "english_only", Map.of("EN", "English")).get(key)).map(texts -> texts.getOrDefault(language, texts.get("EN")));

    private final TemplateLanguage language = new TemplateLanguage();

    private String render(String source, String inputsJson) {
        return render(source, inputsJson, "EN", true);
    }

    private String render(String source, String inputsJson, String lang, boolean html) {
        try {
            TemplateLanguage.Compiled compiled = language.compile("body", source, html);
            return language.render(compiled, JsValues.fromJson(MAPPER.readTree(inputsJson)),
                    new TemplateLanguage.Rendering(lang, "UTC", "https://mail.example", TEXTS));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> intl() {
        return Stream.of(
            Arguments.of("EN", "{{number 1234.56}}", "1,234.56"),
            Arguments.of("NL", "{{number 1234.56 style='decimal' maximumSignificantDigits=3}}", "1.230"),
            Arguments.of("DE", "{{number 1234.5678}}", "1.234,568"),
            Arguments.of("EN", "{{number 0.256 style='percent'}}", "26%"),
            Arguments.of("EN", "{{number 1234567 notation='compact'}}", "1.2M"),
            Arguments.of("EN", "{{number 1234567 notation='compact' compactDisplay='long'}}", "1.2 million"),
            Arguments.of("FR", "{{number 1234.5 minimumFractionDigits=2}}", "1\u202f234,50"),
            Arguments.of("EN", "{{number 5 minimumIntegerDigits=3}}", "005"),
            Arguments.of("EN", "{{number 2.5 maximumFractionDigits=0}}", "3"),
            Arguments.of("EN", "{{number -3 signDisplay='always'}}", "-3"),
            Arguments.of("EN", "{{number 12345.678 useGrouping=false}}", "12345.678"),
            Arguments.of("EN", "{{number 16 style='unit' unit='kilometer-per-hour'}}", "16 km/h"),
            Arguments.of("EN", "{{number 16 style='unit' unit='liter' unitDisplay='long'}}", "16 liters"),
            Arguments.of("EN", "{{number 123456 notation='scientific'}}", "1.235E5"),
            Arguments.of("FR", "{{currency 1234.56 currency='EUR'}}", "1\u202f234,56\u00a0\u20ac"),
            Arguments.of("EN", "{{currency 1234.5 currency='USD'}}", "$1,234.50"),
            Arguments.of("NL", "{{currency 1234.5 currency='EUR'}}", "\u20ac\u00a01.234,50"),
            Arguments.of("JA", "{{currency 1234.5 currency='JPY'}}", "\uffe51,235"),
            Arguments.of("EN", "{{currency -5 currency='EUR' currencySign='accounting'}}", "(\u20ac5.00)"),
            Arguments.of("EN", "{{currency 5 currency='EUR' currencyDisplay='name'}}", "5.00 euros"),
            Arguments.of("EN", "{{currency 5 currency='EUR' currencyDisplay='code'}}", "EUR\u00a05.00"),
            Arguments.of("EN", "{{datetime 0 weekday='short' year='numeric' month='long' day='2-digit' hour='2-digit'}}", "Thu, January 01, 1970 at 12 AM"),
            Arguments.of("EN", "{{datetime 0}}", "1/1/1970"),
            Arguments.of("NL", "{{datetime 1633554000000 dateStyle='long'}}", "6 oktober 2021"),
            Arguments.of("EN", "{{datetime 1633554000000 dateStyle='full' timeStyle='short'}}", "Wednesday, October 6, 2021 at 9:00 PM"),
            Arguments.of("DE", "{{datetime 1633554000000 year='numeric' month='2-digit' day='2-digit'}}", "06.10.2021"),
            Arguments.of("EN", "{{datetime 1633554000000 hour='numeric' minute='2-digit'}}", "9:00 PM"),
            Arguments.of("EN", "{{datetime 1633554000000 hour='numeric' minute='2-digit' hour12=false}}", "21:00"),
            Arguments.of("NL", "{{datetime 1633554000000 hour='numeric' minute='2-digit' timeZone='Europe/Brussels'}}", "23:00"),
            Arguments.of("EN", "{{datetime 1633554000000 month='short' day='numeric' timeZoneName='short' hour='numeric' timeZone='America/New_York'}}", "Oct 6, 5 PM EDT"),
            Arguments.of("EN", "{{datetime 1633554000000 timeStyle='medium' timeZone='Asia/Tokyo'}}", "6:00:00 AM"),
            Arguments.of("EN", "{{relativetime -1 range='days' style='long'}}", "1 day ago"),
            Arguments.of("EN", "{{relativetime 3 range='hours'}}", "in 3 hours"),
            Arguments.of("NL", "{{relativetime -2 range='weeks'}}", "2 weken geleden"),
            Arguments.of("EN", "{{relativetime -1 range='day' numeric='auto'}}", "yesterday"),
            Arguments.of("DE", "{{relativetime 5 range='minutes' style='short'}}", "in 5 Min."),
            Arguments.of("FR", "{{relativetime 1 range='month' style='narrow'}}", "+1 m.")
        );
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("intl")
    void intlHelpersFormatAsNodeDoes(String lang, String source, String expected) {
        assertEquals(expected, render(source, "{}", lang, true));
    }

    @Test
    void theDatetimeHelperUsesTheRenderingsTimeZone() throws Exception {
        TemplateLanguage.Compiled compiled = language.compile("body", "{{datetime 1633554000000 hour='numeric' minute='2-digit'}}", true);
        String brussels = language.render(compiled, Map.of(),
                new TemplateLanguage.Rendering("EN", "Europe/Brussels", "", TEXTS));
        assertEquals("11:00 PM", brussels);
    }

    @Test
    void inputsAreEscapedInHtmlAndRawInTripleBraces() {
        String inputs = "{\"name\":\"<Tom & 'Jerry'> = `x`\"}";
        assertEquals("&lt;Tom &amp; &#x27;Jerry&#x27;&gt; &#x3D; &#x60;x&#x60;", render("{{@inputs.name}}", inputs));
        assertEquals("<Tom & 'Jerry'> = `x`", render("{{{@inputs.name}}}", inputs));
        assertEquals("<Tom & 'Jerry'> = `x`", render("{{@inputs.name}}", inputs, "EN", false));
    }

    @Test
    void numbersPrintAsJavaScriptPrintsThem() {
        String inputs = "{\"n\":5,\"f\":4.50,\"big\":1e21,\"small\":0.0000001,\"list\":[1,2.5,\"a\"],\"o\":{\"a\":1}}";
        assertEquals("5 4.5 1e+21 1e-7 1,2.5,a [object Object]",
                render("{{@inputs.n}} {{@inputs.f}} {{@inputs.big}} {{@inputs.small}} {{@inputs.list}} {{@inputs.o}}", inputs));
        assertEquals("0.30000000000000004", render("{{sum 0.1 0.2}}", "{}"));
        assertEquals("123456789012.5", render("{{sum 123456789012 0.5}}", "{}"));
    }

    @Test
    void logicAndComparisonHelpersFollowJavaScript() {
        String inputs = "{\"yes\":true,\"no\":false,\"zero\":0,\"five\":5,\"five_text\":\"5\",\"empty\":[],\"b\":\"b\"}";
        assertEquals("true false true", render("{{and @inputs.yes @inputs.five}} {{and @inputs.yes @inputs.zero}} {{or @inputs.no @inputs.empty}}", inputs));
        assertEquals("Y N", render("{{#and @inputs.yes @inputs.five}}Y{{else}}N{{/and}} {{#or @inputs.no @inputs.zero}}Y{{else}}N{{/or}}", inputs));
        assertEquals("Visible", render("{{#not @inputs.no}}Visible{{else}}Deleted{{/not}}", inputs));
        assertEquals("true false true", render("{{eq @inputs.five @inputs.five_text}} {{ne 5 '5'}} {{eq @inputs.zero false}}", inputs));
        assertEquals("Active", render("{{#eq @inputs.b 'b'}}Active{{else}}Inactive{{/eq}}", inputs));
        assertEquals("true true false true false", render("{{gt 10 9}} {{ge 5 @inputs.five_text}} {{lt 'b' 'a'}} {{le 2 '10'}} {{gt 'x' 1}}", inputs));
        assertEquals("Show me the page", render("{{#if (or (and @inputs.yes @inputs.no) (not @inputs.zero))}}Show me the page{{else}}Please authenticate first{{/if}}", inputs));
    }

    @Test
    void mathHelpersAreTheDocumentedOnes() {
        assertEquals("9 5 24 5 1 4 5 5 -2", render("{{sum 2 3 4}} {{subtract 10 3 2}} {{multiply 2 3 4}} {{divide 20 2 2}} "
                + "{{mod 10 3}} {{floor 4.8}} {{ceil 4.2}} {{round 4.5}} {{round -2.5}}", "{}"));
        assertEquals("Buy", render("{{#le (sum @inputs.price @inputs.tax) @inputs.cash}}Buy{{else}}Don't buy{{/le}}",
                "{\"price\":10,\"tax\":2.1,\"cash\":20}"));
        assertEquals("NaN Infinity", render("{{sum 1 'x'}} {{divide 1 0}}", "{}"));
    }

    @Test
    void arrayAndStringHelpersAreTheDocumentedOnes() {
        String inputs = "{\"tags\":[\"tag_1\",\"tag_2\"],\"title\":\"Admin page\",\"nums\":[1,2]}";
        assertEquals("2 10 2 2", render("{{length @inputs.tags}} {{length @inputs.title}} {{@inputs.tags.length}} {{@inputs.nums.[1]}}", inputs));
        assertEquals("Has the tag / Contains Admin / true",
                render("{{#includes @inputs.tags 'tag_1'}}Has the tag{{else}}No{{/includes}} / "
                        + "{{#includes @inputs.title 'Admin'}}Contains Admin{{/includes}} / {{includes @inputs.nums 2}}", inputs));
        assertEquals("tag_1, tag_2|apple - banana - orange|tag_1;tag_2",
                render("{{join @inputs.tags}}|{{join 'apple' 'banana' 'orange' sep=' - '}}|{{join @inputs.tags sep=';'}}", inputs, "EN", false));
    }

    @Test
    void toJsonStringCannotCloseAScriptTag() {
        String inputs = "{\"a\":1,\"b\":[true,null,\"</script><script>alert(1)</script>\"],\"c\":2.5}";
        assertEquals("{\"a\":1,\"b\":[true,null,\"<\\/script><script>alert(1)<\\/script>\"],\"c\":2.5}",
                render("{{{toJsonString @inputs}}}", inputs));
        assertTrue(render("{{toJsonString @inputs}}", inputs).startsWith("{&quot;a&quot;:1"));
    }

    @Test
    void localizationsTakeNamedArgumentsAndFallBackToEnglish() {
        String inputs = "{\"first_name\":\"John\",\"date\":\"06/10/2021\",\"time\":\"21:00\",\"rate\":63}";
        assertEquals("Beste John", render("{{t 'greeting' first_name=@inputs.first_name}}", inputs, "NL", true));
        assertEquals("Dear John", render("{{t 'greeting' first_name=@inputs.first_name}}", inputs, "FR", true));
        assertEquals("Uw hartslag was 63 spm op 06/10/2021 om 21:00.", render("{{t 'heart_rate_msg' date=@inputs.date "
                + "time=@inputs.time rate=@inputs.rate }}", inputs, "NL", false));
        assertEquals("Dear ", render("{{t 'greeting'}}", inputs, "EN", false));
        assertEquals("English", render("{{#t}}english_only{{/t}}", inputs, "NL", true));
        assertEquals("1 item / 3 items", render("{{t 'item' count=1}} / {{t 'item' count=3}}", "{}", "EN", false));
    }

    @Test
    void aLocalizationIsEscapedInHtmlUnlessInTripleBraces() {
        assertEquals("&lt;b&gt;Hi&lt;/b&gt; <b>Hi</b> &lt;b&gt;Hi&lt;/b&gt;",
                render("{{t 'bold'}} {{{t 'bold'}}} {{#t}}bold{{/t}}", "{}"));
        assertEquals("<b>Hi</b>", render("{{t 'bold'}}", "{}", "EN", false));
    }

    @Test
    void anUnknownLocalizationIsAClientErrorNotAnEmptyString() {
        ApiException e = assertThrows(ApiException.class, () -> render("{{t 'nope'}}", "{}"));
        assertEquals(ErrorCode.LOCALIZATION_UNKNOWN, e.errorCode());
        assertEquals("nope", e.details().get("key"));
    }

    @Test
    void mustacheTemplatesStoredBeforeStillRender() {
        String inputs = "{\"items\":[\"a<b\",\"c\"],\"vip\":false,\"user\":{\"name\":\"Ann\"}}";
        assertEquals("<li>a&lt;b</li><li>c</li>regular Ann",
                render("{{#@inputs.items}}<li>{{.}}</li>{{/@inputs.items}}{{^@inputs.vip}}regular{{/@inputs.vip}} "
                        + "{{#@inputs.user}}{{name}}{{/@inputs.user}}", inputs));
        assertEquals("[a<b][c] 0:a<b1:c", render("{{#each @inputs.items}}[{{this}}]{{/each}} "
                + "{{#each @inputs.items}}{{@index}}:{{.}}{{/each}}", inputs, "EN", false));
        assertEquals("https://mail.example EN", render("{{@public_url}} {{@language}}", inputs));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{{foo @inputs.x}}",
        "{{#if (foo)}}x{{/if}}",
        "{{t 'a' b=(nope 1)}}",
        "{{i18n 'key'}}",
        "{{number}}",
        "{{number 1 2}}",
        "{{number 1 colour='red'}}",
        "{{number 1 style='money'}}",
        "{{currency 5}}",
        "{{currency 5 currency='euros'}}",
        "{{datetime 0 dateStyle='long' year='numeric'}}",
        "{{datetime 0 timeZone='Mars/Olympus'}}",
        "{{relativetime -1}}",
        "{{relativetime -1 range='fortnights'}}",
        "{{eq 1}}",
        "{{#sum 1 2}}x{{/sum}}",
        "{{if @inputs.x}}",
        "{{#each}}x{{/each}}",
        "{{> header}}",
        "{{#*inline 'x'}}y{{/inline}}",
        "{{=<% %>=}}",
        "{{#if @inputs.x}}unclosed",
        "{{@inputs.x",
        "{{#t}}a{{/t}}{{t}}",
    })
    void aTemplateThatWouldRenderWronglyIsRefusedWhenSaved(String source) {
        ApiException e = assertThrows(ApiException.class, () -> language.compile("body", source, true));
        assertEquals(ErrorCode.TEMPLATE_SYNTAX, e.errorCode());
        Map<?, ?> syntaxError = (Map<?, ?>) e.details().get("syntaxError");
        assertEquals("body", syntaxError.get("output"));
        assertTrue(String.valueOf(syntaxError.get("message")).length() > 5, String.valueOf(syntaxError));
    }

    @Test
    void theCheckNamesTheHelperAndWhereItIs() {
        ApiException e = assertThrows(ApiException.class, () -> language.compile("subject", "Hi\n  {{number 1 2}}", false));
        Map<?, ?> syntaxError = (Map<?, ?>) e.details().get("syntaxError");
        assertEquals("helper 'number' takes 1 argument, got 2", syntaxError.get("message"));
        assertEquals(2, syntaxError.get("line"));
        assertEquals("subject", syntaxError.get("output"));
    }

    @Test
    void theLocalizationKeysATemplateNamesAreCollected() {
        assertEquals(java.util.Set.of("a", "b", "c"),
                language.compile("body", "{{t 'a'}} {{#t}}b{{/t}} {{#if x}}{{{t \"c\" n=1}}}{{/if}} {{t @inputs.dynamic}}", true)
                        .localizationKeys());
    }

    @Test
    void aValueOnlyTheRenderingRevealsIsAResolvingError() {
        ApiException e = assertThrows(ApiException.class, () -> render("{{datetime @inputs.when}}", "{\"when\":\"soon\"}"));
        assertEquals(ErrorCode.TEMPLATE_RESOLVING, e.errorCode());
        ApiException currency = assertThrows(ApiException.class, () -> render("{{currency 1 currency=@inputs.c}}", "{\"c\":\"xx\"}"));
        assertEquals(ErrorCode.TEMPLATE_RESOLVING, currency.errorCode());
    }
}
