package io.mailgate.template.v1;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/** Templates v1 schemas: type configurations with their options, checked at save and at resolve. */
class V1SchemaTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SCHEMA = """
            {"type":"object","fields":{
              "name":{"type":"string","options":[{"type":"min_size","value":2},{"type":"max_size","value":5}]},
              "code":{"type":"string","options":[{"type":"regex","value":"^[A-Z]{3}$"}]},
              "colour":{"type":"string","options":[{"type":"in","value":["red","green"]}]},
              "age":{"type":"number","options":[{"type":"min","value":0},{"type":"max","value":120}]},
              "pin":{"type":"number","options":[{"type":"size","value":4}]},
              "level":{"type":"number","options":[{"type":"in","value":[1,2,3]}]},
              "tags":{"type":"array","type_configuration":{"type":"string"},"options":[{"type":"max_size","value":2}]},
              "owner":{"type":"object_id"},
              "born":{"type":"date","options":[{"type":"min","value":0}]},
              "vip":{"type":"boolean"},
              "address":{"type":"object","fields":{"city":{"type":"string"}},"options":[{"type":"max_bytes","value":40}]}
            }}""";
    private static final String VALID = """
            {"name":"Ann","code":"ABC","colour":"red","age":42,"pin":1234,"level":2,"tags":["a"],
             "owner":"5f1e0a2b3c4d5e6f7a8b9c0d","born":"1990-05-01","vip":false,"address":{"city":"Ghent"}}""";

    private static V1Schema schema() throws Exception {
        return V1Schema.parseRoot(MAPPER.readTree(SCHEMA));
    }

    private static JsonNode with(String field, String json) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode content = (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.readTree(VALID);
        content.set(field, MAPPER.readTree(json));
        return content;
    }

    @Test
    void validContentPassesAndTheSchemaRoundTrips() throws Exception {
        assertDoesNotThrow(() -> schema().validateContent(MAPPER.readTree(VALID)));
        assertEquals(MAPPER.readTree(SCHEMA), MAPPER.valueToTree(schema().view()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "name    | \"A\"",
        "name    | \"Annabel\"",
        "name    | 5",
        "code    | \"abc\"",
        "colour  | \"blue\"",
        "age     | -1",
        "age     | 121",
        "pin     | 123",
        "level   | 4",
        "tags    | [\"a\",\"b\",\"c\"]",
        "tags    | [1]",
        "owner   | \"not-an-id\"",
        "born    | -5",
        "born    | \"yesterday\"",
        "vip     | \"yes\"",
        "address | {\"city\":\"A city with a name far too long for forty bytes\"}",
        "address | {}",
        "name    | null"})
    void contentThatBreaksTheSchemaIsAFillingErrorNamingTheField(String field, String value) throws Exception {
        ApiException e = assertThrows(ApiException.class, () -> schema().validateContent(with(field, value)));
        assertEquals(ErrorCode.TEMPLATE_FILLING, e.errorCode());
        assertEquals(true, String.valueOf(e.details().get("field")).startsWith(field), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"string\"}",
        "{\"type\":\"object\",\"fields\":{\"a\":{\"type\":\"text\"}}}",
        "{\"type\":\"object\",\"fields\":{\"a\":{\"type\":\"array\"}}}",
        "{\"type\":\"object\",\"fields\":{\"a\":{\"type\":\"string\",\"options\":[{\"type\":\"min\",\"value\":1}]}}}",
        "{\"type\":\"object\",\"fields\":{\"a\":{\"type\":\"string\",\"options\":[{\"type\":\"regex\",\"value\":\"(\"}]}}}",
        "{\"type\":\"object\",\"fields\":{\"a\":{\"type\":\"number\",\"options\":[{\"type\":\"in\",\"value\":[\"x\"]}]}}}",
        "{\"type\":\"object\",\"fields\":{\"a\":{\"type\":\"string\",\"options\":[{\"type\":\"size\",\"value\":-1}]}}}",
        "{\"type\":\"object\",\"properties\":{}}"})
    void aSchemaThatIsNotATypeConfigurationIsRefused(String schema) {
        ApiException e = assertThrows(ApiException.class, () -> V1Schema.parseRoot(MAPPER.readTree(schema)));
        assertEquals(400, e.status());
    }

    @Test
    void aRegexThatBacktracksForeverGivesUpInsteadOfHangingTheGateway() throws Exception {
        V1Schema schema = V1Schema.parseRoot(MAPPER.readTree(
                "{\"type\":\"object\",\"fields\":{\"a\":{\"type\":\"string\",\"options\":[{\"type\":\"regex\",\"value\":\"^(a+)+$\"}]}}}"));
        long start = System.nanoTime();
        ApiException e = assertThrows(ApiException.class,
                () -> schema.validateContent(MAPPER.readTree("{\"a\":\"" + "a".repeat(40) + "!\"}")));
        assertEquals(ErrorCode.TEMPLATE_FILLING, e.errorCode());
        assertEquals(true, System.nanoTime() - start < 5_000_000_000L, "gave up in time");
    }

    @Test
    void trackingHashIsSuppliedOnSendSoItMayBeMissing() throws Exception {
        V1Schema schema = V1Schema.parseRoot(MAPPER.readTree("{\"type\":\"object\",\"fields\":{\"tracking_hash\":{\"type\":\"string\"}}}"));
        assertDoesNotThrow(() -> schema.validateContent(MAPPER.readTree("{}")));
    }
}
