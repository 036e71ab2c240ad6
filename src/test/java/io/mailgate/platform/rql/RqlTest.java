package io.mailgate.platform.rql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/** The shape the RQL parser gives a query string; what each operator means is RqlToSqlTest's. */
class RqlTest {

    @Test
    void anEmptyQueryHasNoTerms() {
        assertEquals(List.of(), Rql.parse(null));
        assertEquals(List.of(), Rql.parse(""));
        assertEquals(List.of(), Rql.parse("&&"));
    }

    @Test
    void callsNestAndParenthesisedArraysBecomeLists() {
        List<RqlCall> terms = Rql.parse("and(eq(a,1),in(b,(x,y)))&limit(5)");
        assertEquals(2, terms.size());
        RqlCall and = terms.get(0);
        assertEquals("and", and.name());
        RqlCall eq = (RqlCall) and.args().get(0);
        assertEquals(new RqlCall("eq", List.of(new RqlValue("a", false), new RqlValue("1", true))), eq);
        RqlCall in = (RqlCall) and.args().get(1);
        assertEquals(List.of(new RqlValue("x", false), new RqlValue("y", false)), in.args().get(1));
        assertEquals("limit", terms.get(1).name());
        assertEquals(List.of(), Rql.parse("skipCount()").get(0).args());
    }

    @Test
    void valuesAreDecodedTwiceAndPlusStaysAPlus() {
        // The SDK encodes a value, then the URL: "a@b" arrives as a%2540b.
        RqlValue value = (RqlValue) Rql.parse("eq(to,a%2540b)").get(0).args().get(1);
        assertEquals("a@b", value.text());
        RqlValue sort = (RqlValue) Rql.parse("sort(+subject)").get(0).args().get(0);
        assertEquals("+subject", sort.text());
        assertEquals("ünï", ((RqlValue) Rql.parse("eq(a,%25C3%25BCn%25C3%25AF)").get(0).args().get(1)).text());
    }

    @Test
    void numbersAreRecognisedFromTheRawText() {
        assertTrue(((RqlValue) Rql.parse("eq(a,-1.5e3)").get(0).args().get(1)).numeric());
        assertFalse(((RqlValue) Rql.parse("eq(a,007)").get(0).args().get(1)).numeric(), "a leading zero is text");
        assertFalse(((RqlValue) Rql.parse("eq(a,1e)").get(0).args().get(1)).numeric());
        assertFalse(((RqlValue) Rql.parse("eq(a," + "9".repeat(31) + ")").get(0).args().get(1)).numeric(),
                "an absurdly long number is text, not a BigDecimal to compute with");
    }

    @Test
    void errorsSayWhereTheQueryWentWrong() {
        ApiException error = assertThrows(ApiException.class, () -> Rql.parse("eq(a,b)x"));
        assertEquals(ErrorCode.INVALID_RQL, error.errorCode());
        assertEquals("Invalid RQL: unexpected 'x' at position 7", error.getMessage());
        assertEquals("Invalid RQL: expected ')' but the query ended",
                assertThrows(ApiException.class, () -> Rql.parse("eq(a,b")).getMessage());
    }

    @Test
    void anErrorQuotesAtMostAShortPieceOfTheInput() {
        ApiException error = assertThrows(ApiException.class, () -> Rql.parse("eq(a," + "x".repeat(1000) + "%ZZ)"));
        assertTrue(error.getMessage().length() < 150, error.getMessage());
    }
}
