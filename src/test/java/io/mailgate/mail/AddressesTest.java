package io.mailgate.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One address per value, with an optional display name, and nothing that could break a header. */
class AddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "john@example.com",
        "John Doe <john@example.com>",
        "\"Doe, John\" <john@example.com>",
        "  john@example.com  ",
        "john.doe+tag@sub.example.co.uk",
        "=?UTF-8?B?SsO2cmc=?= <joerg@example.com>",
        "Jörg <joerg@example.com>",
        "tab\tname <tab@example.com>"})
    void acceptsOneAddress(String value) {
        assertNull(Addresses.problem(value), value);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "john                                  | is not a valid email address",
        "john@                                 | is not a valid email address",
        "@example.com                          | is not a valid email address",
        "john@exa mple.com                     | is not a valid email address",
        "John <john@example.com                | is not a valid email address",
        "a@example.com, b@example.com          | must be exactly one address",
        "team: a@example.com, b@example.com;   | must be exactly one address"})
    void refusesWhatIsNotExactlyOneAddress(String value, String problem) {
        assertEquals(problem, Addresses.problem(value), value);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "john@example.com\r\nBcc: victim@example.com",
        "john@example.com\nX-Injected: 1",
        "John\r <john@example.com>",
        "john@example.com\u0000",
        "john@example.com\u2028",
        "john@example.com\u0085",
        "john@example.com\u007f"})
    void refusesLineBreaksAndControlCharacters(String value) {
        assertEquals("contains a line break or control character", Addresses.problem(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void refusesEmptyValues(String value) {
        assertEquals("is empty", Addresses.problem(value));
        assertEquals("is empty", Addresses.problem(null));
    }

    @org.junit.jupiter.api.Test
    void refusesOverlongValuesBeforeParsingThem() {
        String local = "a".repeat(64);
        String longest = local + "@" + "b".repeat(320 - 65);
        assertEquals(320, longest.length());
        assertEquals("is longer than 320 characters", Addresses.problem(longest + "x"));
        assertEquals("is longer than 320 characters", Addresses.problem("x".repeat(100_000)));
    }
}
