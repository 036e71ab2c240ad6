package io.mailgate.mail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.Json;

/** A /mail/v1 send body is wholly valid, or answered with the one client error that names its first problem. */
class MailRequestParserTest {

    private static final Json JSON = new Json();
    private static final int MAX_BYTES = 64 * 1024;
    private final MailRequestParser parser = new MailRequestParser(JSON, "Mailgate <noreply@mailgate.local>", MAX_BYTES);

    // ---- what a valid request gives --------------------------------------------------------------

    @Test
    void aPlainMailKeepsEveryField() {
        MailRequest request = parse("""
                {"recipients":{"to":[" john@example.com "],"cc":["Carol <carol@example.com>"],"bcc":["b@example.com"]},
                 "from":"Shop <shop@example.com>","reply_to":["help@example.com"],"subject":"Hello","body":"<p>Hi</p>",
                 "attachments":[{"name":"hello.txt","type":"text/plain; charset=UTF-8","content":"SGVs\\r\\nbG8="}]}""");
        assertEquals(List.of("john@example.com"), request.recipients().to(), "addresses are trimmed");
        assertEquals(List.of("Carol <carol@example.com>"), request.recipients().cc());
        assertEquals(List.of("b@example.com"), request.recipients().bcc());
        assertEquals(3, request.recipients().count());
        assertEquals("Shop <shop@example.com>", request.from());
        assertEquals(List.of("help@example.com"), request.replyTo());
        assertEquals("Hello", request.subject());
        assertEquals("<p>Hi</p>", request.body());
        assertFalse(request.isTemplate());
        MailRequest.Attachment attachment = request.attachments().get(0);
        assertEquals("hello.txt", attachment.name());
        assertArrayEquals("Hello".getBytes(StandardCharsets.UTF_8), attachment.content(), "MIME line breaks in base64 are fine");
    }

    @Test
    void theDefaultSenderIsUsedWhenNoneIsGiven() {
        MailRequest request = parse(plain("a@example.com"));
        assertEquals("Mailgate <noreply@mailgate.local>", request.from());
        assertEquals(List.of(), request.replyTo());
        assertEquals(List.of(), request.attachments());
    }

    @Test
    void aTemplateMailNeedsNoSubjectOrBody() {
        MailRequest request = parse("""
                {"recipients":{"to":["a@example.com"]},"template_name":"welcome","language":"NL",
                 "time_zone":"Europe/Brussels","content":{"first_name":"Jan"}}""");
        assertTrue(request.isTemplate());
        assertNull(request.subject());
        assertEquals(Optional.of("welcome"), request.templateName());
        assertEquals(Optional.of("NL"), request.language());
        assertEquals(Optional.of("Europe/Brussels"), request.timeZone());
        assertEquals("Jan", request.content().orElseThrow().get("first_name").asText());
        assertTrue(parse("{\"recipients\":{\"to\":[\"a@example.com\"]},\"template_id\":\"5f1e0a2b3c4d5e6f7a8b9c0d\"}").isTemplate());
    }

    @Test
    void nullMeansAbsent() {
        MailRequest request = parse("""
                {"recipients":{"to":["a@example.com"],"cc":null},"subject":"s","body":"b","from":null,
                 "attachments":null,"content":null,"reply_to":null}""");
        assertEquals(List.of(), request.recipients().cc());
        assertEquals("Mailgate <noreply@mailgate.local>", request.from());
        assertEquals(Optional.empty(), request.content());
    }

    @Test
    void theRequestHashIgnoresKeyOrderButNotContent() throws Exception {
        String hash = parse("{\"recipients\":{\"to\":[\"a@example.com\"]},\"subject\":\"s\",\"body\":\"b\"}").requestHash();
        assertEquals(hash, parse("{\"body\":\"b\",\"subject\":\"s\",\"recipients\":{\"to\":[\"a@example.com\"]}}").requestHash());
        assertNotEquals(hash, parse("{\"recipients\":{\"to\":[\"a@example.com\"]},\"subject\":\"s\",\"body\":\"c\"}").requestHash());
        // Compact JSON with sorted keys, UTF-8, as every stored request hash was made.
        assertEquals(io.mailgate.security.Secrets.sha256("{\"body\":\"b\",\"recipients\":{\"to\":[\"a@example.com\"]},\"subject\":\"s\"}"), hash);
        assertEquals(io.mailgate.security.Secrets.sha256("{\"a\":[1,2.5,true,null,{\"x\":\"\u00e9\\\"\",\"y\":{}}],\"b\":\"\u2603\"}"),
                CanonicalJson.sha256(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                        "{\"b\":\"\u2603\",\"a\":[1,2.5,true,null,{\"y\":{},\"x\":\"\u00e9\\\"\"}]}")));
        assertEquals(64, hash.length());
    }

    // ---- missing and unknown fields --------------------------------------------------------------

    @Test
    void everyMissingRequiredFieldIsNamed() {
        ApiException error = refused("{}", ErrorCode.MISSING_REQUIRED_FIELDS);
        assertEquals(List.of("recipients", "subject", "body"), error.details().get("missingFields"));
        assertEquals(List.of("body", "recipients"), error.location());
        assertEquals(List.of("body"), refused("{\"recipients\":{\"to\":[\"a@example.com\"]},\"subject\":\"s\"}",
                ErrorCode.MISSING_REQUIRED_FIELDS).details().get("missingFields"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"recipients\":{\"to\":[\"a@example.com\"]},\"subject\":\"s\",\"body\":\"b\",\"priority\":1} | priority",
        "{\"recipients\":{\"to\":[\"a@example.com\"],\"from\":[]},\"subject\":\"s\",\"body\":\"b\"}   | recipients.from",
        "{\"recipients\":{\"to\":[\"a@example.com\"]},\"subject\":\"s\",\"body\":\"b\",\"attachments\":[{\"name\":\"a\",\"type\":\"text/plain\",\"content\":\"\",\"x\":1}]} | attachments[0].x"})
    void unknownFieldsAreRefusedByName(String body, String field) {
        ApiException error = refused(body, ErrorCode.BODY_FORMAT);
        assertEquals("Unknown field " + field, error.getMessage());
        assertEquals(Map.of("field", field), error.details());
    }

    // ---- not JSON, not an object ---------------------------------------------------------------

    @Test
    void anEmptyBodyIsItsOwnError() {
        refused("", ErrorCode.EMPTY_BODY);
        refused("   ", ErrorCode.EMPTY_BODY);
        assertEquals(ErrorCode.EMPTY_BODY, assertThrows(ApiException.class, () -> parser.parse(null)).errorCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[1,2]", "\"text\"", "42", "{\"a\":1} {\"b\":2}", "{\"subject\":\"a\",\"subject\":\"b\"}", "{"})
    void aBodyThatIsNotOneJsonObjectIsRefused(String body) {
        refused(body, ErrorCode.BODY_FORMAT);
    }

    @Test
    void deepNestingIsRefusedBeforeItCostsAStack() {
        String deep = "{\"content\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        refused(deep, ErrorCode.BODY_FORMAT);
    }

    @Test
    void aFormBodyIsRefused() {
        ApiException error = assertThrows(ApiException.class, () -> parser.parse(Map.of("subject", "x")));
        assertEquals(ErrorCode.BODY_FORMAT, error.errorCode());
    }

    @Test
    void bytesAreReadAsUtf8() {
        byte[] body = plain("jörg@example.com").getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("jörg@example.com"), parser.parse(body).recipients().to());
    }

    // ---- recipients ----------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"recipients\":[\"a@example.com\"]                | recipients",
        "\"recipients\":{\"to\":\"a@example.com\"}           | recipients.to",
        "\"recipients\":{\"to\":[42]}                        | recipients.to",
        "\"recipients\":{\"to\":[\"not an address\"]}        | recipients.to[0]",
        "\"recipients\":{\"to\":[\"a@example.com\"],\"cc\":[\"a@example.com\\r\\nBcc: x@evil.example\"]} | recipients.cc[0]",
        "\"recipients\":{\"to\":[]}                          | recipients",
        "\"recipients\":{}                                   | recipients"})
    void badRecipientsNameTheirField(String recipients, String field) {
        ApiException error = refused("{" + recipients + ",\"subject\":\"s\",\"body\":\"b\"}", ErrorCode.FIELD_FORMAT);
        assertEquals(field, error.details().get("field"), error.getMessage());
    }

    @Test
    void fiftyRecipientsInAllAreTheLimit() {
        assertEquals(50, parse(withRecipients(30, 20)).recipients().count());
        ApiException error = refused(withRecipients(30, 21), ErrorCode.FIELD_FORMAT);
        assertTrue(error.getMessage().contains("1 to 50 recipients"), error.getMessage());
        refused(withRecipients(51, 0), ErrorCode.FIELD_FORMAT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"from\":\"a@example.com\\nBcc: x@evil.example\"", "\"from\":\"two@a.example, three@b.example\"",
        "\"from\":42", "\"reply_to\":\"r@example.com\"", "\"reply_to\":[\"r@example.com\\r\"]"})
    void badSendersAndReplyAddressesAreRefused(String field) {
        refused("{\"recipients\":{\"to\":[\"a@example.com\"]},\"subject\":\"s\",\"body\":\"b\"," + field + "}", ErrorCode.FIELD_FORMAT);
    }

    // ---- header-bound text, identifiers, zones ---------------------------------------------------

    @Test
    void theSubjectIsOneHeaderLineOfAtMost998Characters() {
        assertEquals(998, parse(withSubject("x".repeat(998))).subject().length());
        refused(withSubject("x".repeat(999)), ErrorCode.FIELD_FORMAT);
        refused(withSubject("Hello\\r\\nBcc: victim@example.com"), ErrorCode.FIELD_FORMAT);
        refused(withSubject("Hello\\u0000"), ErrorCode.FIELD_FORMAT);
        assertEquals("Tab\tseparated", parse(withSubject("Tab\\tseparated")).subject());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"template_name\":\"a\\nb\"                    | template_name",
        "\"language\":\"en\"                            | language",
        "\"language\":\"ENG\"                           | language",
        "\"time_zone\":\"Mars/Olympus_Mons\"            | time_zone",
        "\"time_zone\":\"../../etc/passwd\"             | time_zone",
        "\"content\":\"text\"                           | content",
        "\"content\":[1]                                | content",
        "\"subject\":{\"a\":1}                          | subject"})
    void badTemplateFieldsNameTheirField(String field, String name) {
        String subject = name.equals("subject") ? "" : "\"subject\":\"s\",";
        ApiException error = refused("{\"recipients\":{\"to\":[\"a@example.com\"]},\"body\":\"b\"," + subject + field + "}",
                ErrorCode.FIELD_FORMAT);
        assertEquals(name, error.details().get("field"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-hex", "5f1e0a2b3c4d5e6f7a8b9c0", "5F1E0A2B3C4D5E6F7A8B9C0Z"})
    void aMalformedTemplateIdIsAnIdFormatError(String id) {
        ApiException error = refused("{\"recipients\":{\"to\":[\"a@example.com\"]},\"template_id\":\"" + id + "\"}",
                ErrorCode.ID_FORMAT);
        assertEquals("template_id", error.details().get("field"));
    }

    // ---- attachments ---------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"attachments\":{}                                                              | attachments",
        "\"attachments\":[\"a.txt\"]                                                     | attachments[0]",
        "\"attachments\":[{\"name\":\"a\\r\\nX: 1\",\"type\":\"text/plain\",\"content\":\"\"}] | attachments[0].name",
        "\"attachments\":[{\"name\":\"\",\"type\":\"text/plain\",\"content\":\"\"}]        | attachments[0].name",
        "\"attachments\":[{\"name\":\"a\",\"type\":\"text\",\"content\":\"\"}]             | attachments[0].type",
        "\"attachments\":[{\"name\":\"a\",\"type\":\"text/plain\\nX: 1\",\"content\":\"\"}] | attachments[0].type",
        "\"attachments\":[{\"name\":\"a\",\"type\":\"text/plain\",\"content\":\"@@@\"}]     | attachments[0].content",
        "\"attachments\":[{\"name\":\"a\",\"type\":\"text/plain\",\"content\":7}]          | attachments[0].content"})
    void badAttachmentsNameTheirField(String attachments, String field) {
        ApiException error = refused("{\"recipients\":{\"to\":[\"a@example.com\"]},\"subject\":\"s\",\"body\":\"b\"," + attachments + "}",
                ErrorCode.FIELD_FORMAT);
        assertEquals(field, error.details().get("field"));
    }

    @Test
    void anAttachmentNameHasAtMost255Characters() {
        assertEquals(255, parse(withAttachment("n".repeat(255), "")).attachments().get(0).name().length());
        assertEquals("attachments[0].name", refused(withAttachment("n".repeat(256), ""), ErrorCode.FIELD_FORMAT).details().get("field"));
    }

    @ParameterizedTest
    @CsvSource({"report.pdf, application/pdf", "photo.PNG, image/png", "notes.txt, text/plain", "data.weird, application/octet-stream",
        "no-extension, application/octet-stream"})
    void anAttachmentWithoutATypeGetsTheOneItsNameSuggests(String name, String type) {
        MailRequest request = parse("{\"recipients\":{\"to\":[\"a@example.com\"]},\"subject\":\"s\",\"body\":\"b\","
                + "\"attachments\":[{\"name\":\"" + name + "\",\"content\":\"SGk=\"}]}");
        assertEquals(type, request.attachments().get(0).type());
    }

    @Test
    void anAttachmentWithoutContentIsMissingAField() {
        ApiException error = refused("{\"recipients\":{\"to\":[\"a@example.com\"]},\"subject\":\"s\",\"body\":\"b\","
                + "\"attachments\":[{\"name\":\"a\",\"type\":\"text/plain\"}]}", ErrorCode.MISSING_REQUIRED_FIELDS);
        assertEquals(List.of("attachments[0].content"), error.details().get("missingFields"));
    }

    @Test
    void theWholeMessageMustFitTheSizeLimit() {
        String fits = Base64.getEncoder().encodeToString(new byte[40 * 1024]);
        assertEquals(1, parse(withAttachment("a.bin", fits)).attachments().size());
        String tooBig = Base64.getEncoder().encodeToString(new byte[48 * 1024]);
        ApiException error = refused(withAttachment("a.bin", tooBig), ErrorCode.PAYLOAD_TOO_LARGE);
        assertEquals(400, error.status());
        assertTrue(error.getMessage().contains("limit of " + MAX_BYTES + " bytes"), error.getMessage());
        refused(withSubject("s").replace("\"body\":\"b\"", "\"body\":\"" + "b".repeat(MAX_BYTES) + "\""), ErrorCode.PAYLOAD_TOO_LARGE);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private MailRequest parse(String body) {
        return parser.parse(body);
    }

    private ApiException refused(String body, ErrorCode expected) {
        ApiException error = assertThrows(ApiException.class, () -> parser.parse(body), body.length() > 200 ? body.substring(0, 200) : body);
        assertEquals(expected, error.errorCode(), error.getMessage());
        assertTrue(error.status() >= 400 && error.status() < 500);
        return error;
    }

    private static String plain(String to) {
        return "{\"recipients\":{\"to\":[\"" + to + "\"]},\"subject\":\"s\",\"body\":\"b\"}";
    }

    private static String withSubject(String subject) {
        return "{\"recipients\":{\"to\":[\"a@example.com\"]},\"subject\":\"" + subject + "\",\"body\":\"b\"}";
    }

    private static String withAttachment(String name, String content) {
        return "{\"recipients\":{\"to\":[\"a@example.com\"]},\"subject\":\"s\",\"body\":\"b\",\"attachments\":[{\"name\":\""
                + name + "\",\"type\":\"application/octet-stream\",\"content\":\"" + content + "\"}]}";
    }

    private static String withRecipients(int to, int cc) {
        return "{\"recipients\":{\"to\":" + addresses("to", to) + ",\"cc\":" + addresses("cc", cc) + "},\"subject\":\"s\",\"body\":\"b\"}";
    }

    private static String addresses(String prefix, int count) {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            addresses.add("\"" + prefix + i + "@example.com\"");
        }
        return "[" + String.join(",", addresses) + "]";
    }
}
