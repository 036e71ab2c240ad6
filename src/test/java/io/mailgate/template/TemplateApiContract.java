package io.mailgate.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.TestDatabase;

/** /templates/v2 and /localizations/v1 against a real Mailgate. Runs once per database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TemplateApiContract {

    private final TestDatabase database;
    private MailgateInstance mailgate;
    private Api api;
    private String token;
    private final String tag = "t" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> templates = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();

    TemplateApiContract(TestDatabase database) {
        this.database = database;
    }

    @BeforeAll
    void start() {
        mailgate = MailgateInstance.start(database, Map.of());
        api = mailgate.api();
        token = api.rootToken();
    }

    @AfterAll
    void stop() {
        if (mailgate != null) {
            templates.forEach(name -> api.delete("/templates/v2/" + name, token));
            if (!keys.isEmpty()) {
                api.delete("/localizations/v1/?in(key,(" + String.join(",", keys) + "))", token);
            }
            mailgate.close();
        }
    }

    // ---- templates ----------------------------------------------------------------------------

    @Test
    void aTemplateIsCreatedFoundByIdOrNameUpdatedAndDeleted() {
        String name = tag + "-crud";
        JsonNode created = create(name, Map.of("first_name", "string"), Map.of("subject", "Hi {{@inputs.first_name}}",
                "body", "<p>Hi</p>"));
        String id = created.get("id").asText();
        assertTrue(id.matches("[0-9a-f]{24}"));
        assertEquals("string", created.get("inputs").get("first_name").get("type").asText());
        assertEquals(name, get("/templates/v2/" + id).get("name").asText());
        assertEquals(id, get("/templates/v2/" + name).get("id").asText());

        Api.Response updated = put("/templates/v2/" + name, Map.of("description", "Updated",
                "outputs", Map.of("subject", "Hello {{@inputs.first_name}}", "body", "<p>Hello</p>")));
        assertEquals(200, updated.status(), updated.body());
        assertEquals(1, updated.json().get("records_affected").asInt(), "Extra Horizon answers an update with the count");
        JsonNode afterUpdate = get("/templates/v2/" + id);
        assertEquals("Updated", afterUpdate.get("description").asText());
        assertEquals("string", afterUpdate.get("inputs").get("first_name").get("type").asText(), "inputs kept");
        assertTrue(afterUpdate.get("update_timestamp").asLong() > created.get("update_timestamp").asLong());
        assertEquals("Hello Ann", resolve(name, Map.of("inputs", Map.of("first_name", "Ann"))).json().get("subject").asText(),
                "an update replaces the compiled template");

        JsonNode roundTrip = get("/templates/v2/" + id);
        assertEquals(200, api.send(api.request("/templates/v2/" + id, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(roundTrip.toString()))).status(), "a GET body can be PUT back");

        Api.Response deleted = api.delete("/templates/v2/" + id, token);
        assertEquals(200, deleted.status());
        assertEquals(1, deleted.json().get("records_affected").asInt());
        assertError(api.get("/templates/v2/" + id, token), 404, 16);
        assertError(api.delete("/templates/v2/" + id, token), 404, 16);
        assertError(put("/templates/v2/" + id, Map.of("description", "x")), 404, 16);
    }

    @Test
    void templateNamesAreUnique() {
        String name = tag + "-unique";
        create(name, Map.of(), Map.of("subject", "a", "body", "b"));
        assertError(post("/templates/v2/", template(name, Map.of(), Map.of("subject", "a", "body", "b"))), 409, 17);
        String other = tag + "-other";
        create(other, Map.of(), Map.of("subject", "a", "body", "b"));
        assertError(put("/templates/v2/" + other, Map.of("name", name)), 409, 17);
    }

    @Test
    void aSyntaxErrorIsRefusedWithCode1004NamingTheOutput() {
        Api.Response response = post("/templates/v2/", template(tag + "-syntax", Map.of(),
                Map.of("subject", "fine", "body", "{{#open}}never closed")));
        assertError(response, 400, 1004);
        assertEquals("body", response.json().get("syntaxError").get("output").asText());
        assertFalse(response.json().get("syntaxError").get("message").asText().isBlank());
        assertError(api.get("/templates/v2/" + tag + "-syntax", token), 404, 16);

        String name = tag + "-syntax-update";
        create(name, Map.of(), Map.of("subject", "a", "body", "b"));
        Api.Response update = put("/templates/v2/" + name, Map.of("outputs", Map.of("subject", "{{/x}}", "body", "b")));
        assertError(update, 400, 1004);
        assertEquals("subject", update.json().get("syntaxError").get("output").asText());
    }

    @Test
    void badTemplateBodiesAreClientErrors() {
        assertError(post("/templates/v2/", Map.of("name", tag + "-x")), 400, 14);
        assertError(post("/templates/v2/", template(tag + "-x", Map.of(), Map.of())), 400, 15);
        assertError(post("/templates/v2/", template(tag + "-x", Map.of("a", "date"), Map.of("subject", "a", "body", "b"))), 400, 15);
        assertError(post("/templates/v2/", Map.of("name", tag + "-x", "outputs", Map.of("subject", 1, "body", "b"))), 400, 15);
        assertError(post("/templates/v2/", Map.of("name", "a\r\nb", "outputs", Map.of("subject", "a", "body", "b"))), 400, 15);
        Map<String, Object> unknown = template(tag + "-x", Map.of(), Map.of("subject", "a", "body", "b"));
        unknown.put("engine", "handlebars");
        assertError(post("/templates/v2/", unknown), 400, 22);
        assertError(api.postJson("/templates/v2/", token, "{"), 400, 22);
        assertError(api.postJson("/templates/v2/", token, ""), 400, 13);
    }

    @Test
    void templatesAreListedWithRql() {
        for (int i = 0; i < 3; i++) {
            create(tag + "-list-" + i, Map.of(), Map.of("subject", "s", "body", "b"));
        }
        JsonNode page = get("/templates/v2/?like(name," + tag + "-list)&sort(-name)&limit(2)&select(name)");
        assertEquals(3, page.get("page").get("total").asInt());
        assertEquals(2, page.get("data").size());
        assertEquals(tag + "-list-2", page.get("data").get(0).get("name").asText());
        assertEquals(List.of("name"), fieldNames(page.get("data").get(0)));
        assertEquals(1, get("/templates/v2/?eq(name," + tag + "-list-1)").get("page").get("total").asInt());
        assertError(api.get("/templates/v2/?eq(nope,1)", token), 400, 19);
    }

    // ---- resolving ----------------------------------------------------------------------------

    @Test
    void resolvingEscapesInputsInTheHtmlOutputOnly() {
        String name = tag + "-escape";
        create(name, Map.of("name", "string", "items", "array", "vip", "boolean"), Map.of(
                "subject", "For {{@inputs.name}}",
                "body", "<p>{{@inputs.name}}|{{{@inputs.name}}}</p>{{#@inputs.items}}<li>{{.}}</li>{{/@inputs.items}}"
                        + "{{^@inputs.vip}}<i>regular</i>{{/@inputs.vip}}",
                "text", "{{@inputs.name}} in {{@time_zone}}"));
        JsonNode outputs = resolve(name, Map.of("timeZone", "Europe/Brussels", "inputs",
                Map.of("name", "<Tom & \"Jerry\">", "items", List.of("a<b", "c"), "vip", false))).json();
        assertEquals("For <Tom & \"Jerry\">", outputs.get("subject").asText());
        assertEquals("<p>&lt;Tom &amp; &quot;Jerry&quot;&gt;|<Tom & \"Jerry\"></p><li>a&lt;b</li><li>c</li><i>regular</i>",
                outputs.get("body").asText());
        assertEquals("<Tom & \"Jerry\"> in Europe/Brussels", outputs.get("text").asText());
        JsonNode vip = resolve(name, Map.of("inputs", Map.of("name", "x", "items", List.of(), "vip", true))).json();
        assertEquals("<p>x|x</p>", vip.get("body").asText());
    }

    @Test
    void missingOrWronglyTypedInputsAreRefusedWithCode1003NamingThem() {
        String name = tag + "-inputs";
        create(name, Map.of("count", "number", "who", "string"), Map.of("subject", "{{@inputs.count}}", "body", "b"));
        Api.Response missing = resolve(name, Map.of("inputs", Map.of("count", 3)));
        assertError(missing, 400, 1003);
        assertTrue(missing.json().get("message").asText().contains("who"), missing.body());
        Api.Response wrong = resolve(name, Map.of("inputs", Map.of("count", "three", "who", "x")));
        assertError(wrong, 400, 1003);
        assertTrue(wrong.json().get("message").asText().contains("count"), wrong.body());
        assertEquals("3", resolve(name, Map.of("inputs", Map.of("count", 3, "who", "x"))).json().get("subject").asText());
        assertError(resolve(name, Map.of("inputs", "x")), 400, 15);
        assertError(resolve(name, Map.of("language", "nl", "inputs", Map.of())), 400, 15);
        assertError(api.postJson("/templates/v2/" + tag + "-nothing/resolve", token, Map.of()), 404, 16);
    }

    @Test
    void localizationsFollowTheLanguageAndFallBackToEnglishPerKey() {
        String greeting = tag + "_greeting";
        String farewell = tag + "_farewell";
        localizations(List.of(
                Map.of("key", greeting, "text", Map.of("EN", "Hello", "NL", "Hallo", "DE", "Hallo & Tschüss")),
                Map.of("key", farewell, "text", Map.of("EN", "Goodbye <3"))));
        String name = tag + "-localized";
        create(name, Map.of(), Map.of("subject", "{{#t}}" + greeting + "{{/t}}, {{#t}}" + farewell + "{{/t}}",
                "body", "<p>{{#t}}" + greeting + "{{/t}} {{#t}}" + farewell + "{{/t}}</p>"));
        JsonNode nl = resolve(name, Map.of("language", "NL")).json();
        assertEquals("Hallo, Goodbye <3", nl.get("subject").asText());
        assertEquals("<p>Hallo Goodbye &lt;3</p>", nl.get("body").asText());
        assertEquals("Hello, Goodbye <3", resolve(name, Map.of()).json().get("subject").asText());
        assertEquals("Hello, Goodbye <3", resolve(name, Map.of("language", "FR")).json().get("subject").asText());
        assertEquals("<p>Hallo &amp; Tschüss Goodbye &lt;3</p>", resolve(name, Map.of("language", "DE")).json().get("body").asText());

        String unknown = tag + "-unknown-key";
        create(unknown, Map.of(), Map.of("subject", "{{#t}}" + tag + "_nope{{/t}}", "body", "b"));
        Api.Response response = resolve(unknown, Map.of());
        assertError(response, 400, 1002);
        assertTrue(response.json().get("message").asText().contains(tag + "_nope"));
    }

    @Test
    void aRenderedSubjectWithALineBreakIsRefusedWithCode1005() {
        String name = tag + "-crlf";
        create(name, Map.of("x", "string"), Map.of("subject", "Hi {{{@inputs.x}}}", "body", "b"));
        assertError(resolve(name, Map.of("inputs", Map.of("x", "a\r\nBcc: victim@example.com"))), 400, 1005);
    }

    // ---- localizations ------------------------------------------------------------------------

    @Test
    void localizationsAreCreatedUpdatedListedAndDeleted() {
        String a = tag + "_a";
        String b = tag + "_b";
        JsonNode created = localizations(List.of(Map.of("key", a, "text", Map.of("EN", "A")),
                Map.of("key", b, "text", Map.of("EN", "B", "NL", "Bee")))).json();
        assertEquals(2, created.get("created").asInt());
        JsonNode again = localizations(List.of(Map.of("key", a, "text", Map.of("EN", "A2")))).json();
        assertEquals(0, again.get("created").asInt());
        assertEquals(1, again.get("existing").asInt());
        assertEquals(a, again.get("existing_ids").get(0).asText());

        Api.Response updated = api.send(api.request("/localizations/v1/", token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(Api.write(Map.of("localizations", List.of(
                        Map.of("key", b, "text", Map.of("DE", "Be")), Map.of("key", tag + "_missing", "text", Map.of("EN", "x"))))))));
        assertEquals(200, updated.status(), updated.body());
        assertEquals(1, updated.json().get("updated").asInt());
        assertEquals(1, updated.json().get("missing").asInt());
        assertEquals(tag + "_missing", updated.json().get("missing_ids").get(0).asText());

        JsonNode listed = get("/localizations/v1/?eq(key," + b + ")");
        assertEquals(Map.of("EN", "B", "NL", "Bee", "DE", "Be"),
                Api.JSON.convertValue(listed.get("data").get(0).get("text"), Map.class), "an update merges languages");

        Api.Response deleted = api.delete("/localizations/v1/?in(key,(" + a + "," + b + "))", token);
        assertEquals(200, deleted.status(), deleted.body());
        assertEquals(2, deleted.json().get("records_affected").asInt());
        assertEquals(0, get("/localizations/v1/?like(key," + tag + "_)").get("page").get("total").asInt());
        assertError(api.delete("/localizations/v1/", token), 400, 19);
    }

    @Test
    void badLocalizationsAreClientErrors() {
        Api.Response noEnglish = localizations(List.of(Map.of("key", tag + "_noen", "text", Map.of("NL", "x"))));
        assertError(noEnglish, 400, 801);
        assertEquals("DEFAULT_LOCALIZATION_MISSING_EXCEPTION", noEnglish.json().get("name").asText());
        assertError(localizations(List.of(Map.of("key", "bad key!", "text", Map.of("EN", "x")))), 400, 15);
        assertError(localizations(List.of(Map.of("key", tag + "_x", "text", Map.of("english", "x")))), 400, 15);
        assertError(localizations(List.of(Map.of("key", tag + "_x", "text", Map.of("EN", 1)))), 400, 15);
        assertError(localizations(List.of()), 400, 15);
        assertError(api.postJson("/localizations/v1/", token, Map.of("items", List.of())), 400, 14);
        assertError(api.postJson("/localizations/v1/", token, "[]"), 400, 22);
        assertEquals(0, get("/localizations/v1/?like(key," + tag + "_x)").get("page").get("total").asInt());
    }

    // ---- built-in templates -------------------------------------------------------------------

    @Test
    void builtInNoticesResolveInEnglishDutchAndGermanAndAStoredTemplateOverridesThem() {
        JsonNode builtIn = get("/templates/v2/privacy_request_receipt");
        assertTrue(builtIn.get("built_in").asBoolean());
        Map<String, Object> inputs = Map.of("inputs", Map.of("request_types", List.of("access", "erasure")));
        assertEquals("Your request has been received", resolve("privacy_request_receipt", inputs).json().get("subject").asText());
        Map<String, Object> dutch = new LinkedHashMap<>(inputs);
        dutch.put("language", "NL");
        assertEquals("Je verzoek is ontvangen", resolve("privacy_request_receipt", dutch).json().get("subject").asText());
        dutch.put("language", "DE");
        JsonNode german = resolve("privacy_request_receipt", dutch).json();
        assertEquals("Ihre Anfrage ist eingegangen", german.get("subject").asText());
        assertTrue(german.get("text").asText().contains("access erasure"), german.get("text").asText());
        dutch.put("language", "FR");
        assertEquals("Your request has been received", resolve("privacy_request_receipt", dutch).json().get("subject").asText());
        assertError(resolve("privacy_request_receipt", Map.of()), 400, 1003);

        String code = resolve("subject_identity_verification", Map.of("language", "NL",
                "inputs", Map.of("code", "123456", "minutes", 10))).json().get("text").asText();
        assertTrue(code.contains("123456") && code.contains("10 minuten"), code);

        if (get("/templates/v2/?eq(name,privacy_request_review_approve)").get("page").get("total").asInt() == 0) {
            create("privacy_request_review_approve", Map.of(), Map.of("subject", "Approved by us", "body", "<p>ok</p>"));
        }
        assertEquals("Approved by us", resolve("privacy_request_review_approve", Map.of()).json().get("subject").asText());
        api.delete("/templates/v2/privacy_request_review_approve", token);
        assertEquals("Your request has been approved",
                resolve("privacy_request_review_approve", Map.of()).json().get("subject").asText());
        templates.remove("privacy_request_review_approve");
    }

    // ---- auth ---------------------------------------------------------------------------------

    @Test
    void everyTemplateAndLocalizationRouteChecksTokenAndScope() {
        String reader = api.tokenWithScopes("template:read");
        String mailer = api.tokenWithScopes("mail:send");
        String[][] routes = {
                {"GET", "/templates/v2/", "template:read"},
                {"POST", "/templates/v2/", "template:create_or_update"},
                {"GET", "/templates/v2/x", "template:read"},
                {"PUT", "/templates/v2/x", "template:create_or_update"},
                {"DELETE", "/templates/v2/x", "template:delete"},
                {"POST", "/templates/v2/x/resolve", "template:read"},
                {"GET", "/localizations/v1/", "template:read"},
                {"POST", "/localizations/v1/", "template:create_or_update"},
                {"PUT", "/localizations/v1/", "template:create_or_update"},
                {"DELETE", "/localizations/v1/?eq(key,x)", "template:delete"}};
        for (String[] route : routes) {
            assertError(call(route[0], route[1], null), 401, 104);
            assertError(call(route[0], route[1], "bogus"), 401, 117);
            String wrong = route[2].equals("template:read") ? mailer : reader;
            assertError(call(route[0], route[1], wrong), 401, 10);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private Api.Response call(String method, String path, String bearer) {
        return api.send(api.request(path, bearer).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString("{}")));
    }

    private Map<String, Object> template(String name, Map<String, String> inputs, Map<String, ?> outputs) {
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("name", name);
        Map<String, Object> declared = new LinkedHashMap<>();
        inputs.forEach((input, type) -> declared.put(input, Map.of("type", type)));
        template.put("inputs", declared);
        template.put("outputs", outputs);
        return template;
    }

    private JsonNode create(String name, Map<String, String> inputs, Map<String, ?> outputs) {
        Api.Response response = post("/templates/v2/", template(name, inputs, outputs));
        assertEquals(200, response.status(), response.body());
        templates.add(name);
        return response.json();
    }

    private Api.Response post(String path, Object body) {
        return api.postJson(path, token, body);
    }

    private Api.Response put(String path, Object body) {
        return api.send(api.request(path, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(Api.write(body))));
    }

    private Api.Response resolve(String idOrName, Object body) {
        return api.postJson("/templates/v2/" + idOrName + "/resolve", token, body);
    }

    private Api.Response localizations(List<Map<String, Object>> items) {
        items.stream().map(item -> String.valueOf(item.get("key"))).filter(key -> key.matches("[A-Za-z0-9_]+"))
                .forEach(keys::add);
        return api.postJson("/localizations/v1/", token, Map.of("localizations", items));
    }

    private JsonNode get(String path) {
        Api.Response response = api.get(path, token);
        assertEquals(200, response.status(), path + " -> " + response.body());
        return response.json();
    }

    private static void assertError(Api.Response response, int status, int code) {
        assertEquals(status, response.status(), response.body());
        assertEquals(code, response.json().get("code").asInt(), response.body());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
