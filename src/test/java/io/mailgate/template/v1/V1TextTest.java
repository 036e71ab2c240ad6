package io.mailgate.template.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.template.language.JsValues;

/** The documented part of Velocity a v1 field may use, and nothing more. */
class V1TextTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, String> TEXTS = Map.of(
            "heart_rate_msg", "On $1 at $2, your heart rate was $3 bpm.",
            "greeting", "Dear");

    private static String render(String source, String content) throws Exception {
        return V1Text.parse("body", source).render(JsValues.fromJson(MAPPER.readTree(content)), key -> {
            String text = TEXTS.get(key);
            if (text == null) {
                throw new ApiException(ErrorCode.LOCALIZATION_UNKNOWN, key);
            }
            return text;
        });
    }

    @Test
    void referencesPrintTheirValue() throws Exception {
        String content = "{\"first_name\":\"John\",\"shippingInfo\":{\"lastname\":\"Doe\"},\"n\":63,\"list\":[\"a\",\"b\"]}";
        assertEquals("Hello, John Doe 63 a b!", render("Hello, $content.first_name ${content.shippingInfo.lastname} $content.n "
                + "$content.list[0] $!{content.list[1]}!", content));
        assertEquals("$content.missing [] costs $5 $contentious", render("$content.missing [$!content.missing] costs $5 $contentious",
                content));
    }

    @Test
    void ifBlocksFollowVelocityTruth() throws Exception {
        String source = "#if($content.footer_enabled) Here is a footer #else No footer #end|#if(!$content.name)anonymous#end"
                + "|#if($content.a)A#elseif($content.b)B#else C#end";
        assertEquals(" Here is a footer |anonymous|B", render(source, "{\"footer_enabled\":true,\"name\":\"\",\"b\":1}"));
        assertEquals(" No footer ||A", render(source, "{\"footer_enabled\":false,\"name\":\"x\",\"a\":[1]}"));
        assertEquals(" No footer |anonymous| C", render(source, "{\"footer_enabled\":0,\"a\":[],\"b\":{}}"));
        assertEquals("x", render("#{if}($content.a)x#{end}", "{\"a\":true}"));
    }

    @Test
    void localizationsTakePositionalArguments() throws Exception {
        assertEquals("Dear John,", render("{{greeting}} $content.name,", "{\"name\":\"John\"}"));
        assertEquals("On 06/10/2021 at 21:00, your heart rate was 63 bpm.",
                render("{{heart_rate_msg,$content.date,$content.time,$content.rate}}",
                        "{\"date\":\"06/10/2021\",\"time\":\"21:00\",\"rate\":63}"));
        assertThrows(ApiException.class, () -> render("{{nope}}", "{}"));
        assertEquals(Set.of("heart_rate_msg", "greeting"), V1Text.parse("f", "{{greeting}} {{heart_rate_msg, 1}}").localizationKeys());
    }

    @Test
    void commentsAreDropped() throws Exception {
        assertEquals("a\nb", render("a## a comment\n#* a\nblock *#b", "{}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "#set($x = 1)",
        "#foreach($i in $content.list)$i#end",
        "#include('/etc/passwd')",
        "#parse('x.vm')",
        "#evaluate('#set($a=1)')",
        "#macro(m)x#end",
        "#define($b)x#end",
        "$content.name.getClass()",
        "#if($content.a == 1)x#end",
        "#if($content.a)never closed",
        "#else",
        "#end",
        "{{unclosed",
        "{{bad key!}}",
    })
    void anythingBeyondTheDocumentedSubsetIsRefusedWhenSaved(String source) {
        ApiException e = assertThrows(ApiException.class, () -> V1Text.parse("body", source));
        assertEquals(ErrorCode.TEMPLATE_SYNTAX, e.errorCode());
        assertTrue(((Map<?, ?>) e.details().get("syntaxError")).get("output").equals("body"));
    }

    @Test
    void plainHashesAndDollarsAreText() throws Exception {
        assertEquals("color: #fff; price: $10; #1 item; # heading", render("color: #fff; price: $10; #1 item; # heading", "{}"));
    }
}
