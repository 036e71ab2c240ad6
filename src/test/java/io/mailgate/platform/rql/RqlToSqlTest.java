package io.mailgate.platform.rql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.mail.MailFields;
import io.mailgate.platform.db.RqlSelect;

/**
 * RQL over mails, translated to SQL and run on the real schema (H2 in memory, PostgreSQL mode, migrated
 * by Flyway), so that every operator is checked by the rows it finds rather than by the text it makes.
 */
class RqlToSqlTest {

    private static final String ONE = "a".repeat(24);
    private static final String TWO = "b".repeat(24);
    private static final String THREE = "c".repeat(24);

    private static final RqlToSql MAILS = MailFields.rql();
    private static final String URL =
            "jdbc:h2:mem:rql;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
    private static final Jdbi JDBI = Jdbi.create(URL, "sa", "");
    private static Connection connection;

    @BeforeAll
    static void schemaWithThreeMails() throws SQLException {
        Flyway.configure().dataSource(URL, "sa", "").locations("classpath:db/migration", "classpath:db/vendor/h2").load().migrate();
        connection = DriverManager.getConnection(URL, "sa", "");
        mail(ONE, "c1", "Hello World", null, 3, 100, "sent");
        mail(TWO, "c2", "Invoice 100%", null, 0, 200, "queued");
        mail(THREE, "c1", null, "welcome", 10, 300, "failed");
        address(ONE, "to", 0, "alice@example.com");
        address(ONE, "to", 1, "bob@example.com");
        address(ONE, "cc", 0, "carol@x.org");
        address(TWO, "to", 0, "dave@example.com");
        address(THREE, "to", 0, "eve_x@example.com");
        address(THREE, "reply_to", 0, "replies@example.com");
        // A body beyond H2's in-row limit lives in its LOB storage: RQL must find and sort it all the same.
        body(ONE, "x".repeat(100_000) + " needle");
        body(TWO, "short body");
    }

    @AfterAll
    static void close() throws SQLException {
        connection.close();
    }

    // ---- comparisons on columns ---------------------------------------------------------------

    @Test
    void eqMatchesAColumnAndItsValueIsDecodedTwice() {
        assertEquals(List.of(ONE), ids("eq(subject,Hello%2520World)"));
        assertEquals(List.of(ONE, THREE), ids("creator_id=c1"), "field=value is eq");
    }

    @Test
    void neAlsoMatchesAMissingValue() {
        assertEquals(List.of(ONE, TWO), ids("ne(template_name,welcome)"));
    }

    @Test
    void numericComparisonsCompareNumbers() {
        assertEquals(List.of(THREE), ids("gt(views,3)"));
        assertEquals(List.of(ONE, THREE), ids("ge(views,3)"));
        assertEquals(List.of(TWO), ids("lt(views,3)"));
        assertEquals(List.of(ONE, TWO), ids("le(views,3)"));
        assertEquals(List.of(TWO, THREE), ids("gt(creation_timestamp,1.5e2)"));
    }

    @Test
    void inAndOutTakeAListOrLooseValues() {
        assertEquals(List.of(ONE, THREE), ids("in(status,(sent,failed))"));
        assertEquals(List.of(ONE, THREE), ids("in(status,sent,failed)"));
        assertEquals(List.of(TWO, THREE), ids("out(status,(sent))"));
        assertEquals(List.of(ONE, TWO), ids("out(template_name,(welcome))"), "out keeps missing values");
    }

    @Test
    void likeIgnoresCaseTakesStarsAndKeepsPercentAndUnderscoreLiteral() {
        assertEquals(List.of(ONE), ids("like(subject,hello)"));
        assertEquals(List.of(TWO), ids("like(subject,inv*100)"));
        assertEquals(List.of(TWO), ids("like(subject,100%2525)"), "a literal %");
        assertEquals(List.of(), ids("like(subject,H_llo)"), "_ is not a wildcard");
    }

    @Test
    void containsAndExcludesWithOneArgumentTestPresence() {
        assertEquals(List.of(THREE), ids("contains(template_name)"));
        assertEquals(List.of(ONE, TWO), ids("excludes(template_name)"));
    }

    // ---- arrays: any element matches, negations match when none does -------------------------

    @Test
    void anArrayMatchesWhenAnyElementDoes() {
        assertEquals(List.of(ONE), ids("eq(recipients.to,bob%2540example.com)"));
        assertEquals(List.of(ONE), ids("contains(recipients.cc,carol@x.org)"));
        assertEquals(List.of(TWO, THREE), ids("in(recipients.to,(dave@example.com,eve_x@example.com))"));
        assertEquals(List.of(THREE), ids("eq(reply_to,replies@example.com)"));
    }

    @Test
    void anArrayNegationMatchesWhenNoElementDoes() {
        assertEquals(List.of(TWO, THREE), ids("ne(recipients.to,bob@example.com)"));
        assertEquals(List.of(TWO, THREE), ids("excludes(recipients.cc,carol@x.org)"));
        assertEquals(List.of(ONE, THREE), ids("out(recipients.to,(dave@example.com))"));
    }

    @Test
    void likeWorksOnArrays() {
        assertEquals(List.of(ONE), ids("like(recipients.to,ALICE)"));
        assertEquals(List.of(THREE), ids("like(recipients.to,eve_x)"));
        assertEquals(List.of(), ids("like(recipients.to,a_ice)"));
        assertEquals(List.of(ONE, TWO, THREE), ids("like(recipients.to,example.com)"));
    }

    @Test
    void anArrayHasNoPresenceTest() {
        assertInvalid("contains(recipients.to)");
    }

    // ---- logic, order, paging, selection -------------------------------------------------------

    @Test
    void topLevelTermsAndNestedAndOrCombine() {
        assertEquals(List.of(THREE), ids("eq(creator_id,c1)&gt(views,5)"));
        assertEquals(List.of(THREE), ids("and(eq(creator_id,c1),gt(views,5))"));
        assertEquals(List.of(TWO, THREE), ids("or(eq(status,queued),eq(status,failed))"));
        assertEquals(List.of(ONE, THREE), ids("or(and(eq(creator_id,c1),lt(views,5)),contains(template_name))"));
    }

    @Test
    void aLargeBodyIsComparedMatchedAndSortedLikeAnyText() {
        assertEquals(List.of(TWO), ids("eq(body,short%20body)"));
        assertEquals(List.of(ONE), ids("like(body,*needle)"));
        assertEquals(List.of(TWO, ONE, THREE), ids("sort(+body)"));
    }

    @Test
    void sortOrdersByColumnsAndArraysAndAlwaysEndsOnTheId() {
        assertEquals(List.of(THREE, ONE, TWO), ids("sort(-views)"));
        assertEquals(List.of(ONE, TWO, THREE), ids("sort(+creation_timestamp)"));
        assertEquals(List.of(ONE, TWO, THREE), ids("sort(%20creation_timestamp)"), "a form-encoded + arrives as a space");
        assertEquals(List.of(THREE, TWO, ONE), ids("sort(-recipients.to)"), "an array sorts by its largest element descending");
        assertEquals(List.of(ONE, TWO, THREE), ids("sort(+recipients.to)"), "and by its smallest ascending");
        assertEquals(List.of(ONE, THREE, TWO), ids("sort(creator_id)"), "equal values keep id order");
        assertTrue(MAILS.translate("").orderBy().endsWith("m.id ASC"));
    }

    @Test
    void limitPagesAndIsCapped() {
        assertEquals(List.of(ONE), ids("sort(+views)&limit(1,1)"), "the second of views 0, 3, 10");
        assertEquals(List.of(), ids("limit(10,3)"));
        assertEquals(RqlToSql.DEFAULT_LIMIT, MAILS.translate("").limit());
        assertEquals(RqlToSql.MAX_LIMIT, MAILS.translate("limit(1000)").limit());
        assertEquals(0, MAILS.translate("limit(0)").limit());
    }

    @Test
    void selectAndSkipCountShapeTheAnswer() {
        SqlQuery query = MAILS.translate("select(id,recipients)&skipCount()");
        assertEquals(List.of("id", "recipients"), query.select());
        assertTrue(query.skipCount());
        assertFalse(MAILS.translate("").skipCount());
        assertEquals(3, count("skipCount()"), "skipCount does not filter");
    }

    // ---- hostile input: a clear 400, and values never reach the SQL text ----------------------

    @ParameterizedTest
    @ValueSource(strings = {
        "eq(subject,x'%20OR%20'1'%253D'1)",
        "eq(subject,x%27%3B%20DROP%20TABLE%20mail%3B--)",
        "like(subject,%2525%2527%2520OR%25201%253D1--)",
        "in(status,(sent','x))",
        "eq(recipients.to,a'%20OR%20'1'%253D'1)"})
    void aValueIsAlwaysAParameter(String hostile) {
        SqlQuery query = MAILS.translate(hostile);
        assertFalse(query.where().contains("'1'") || query.where().contains("DROP") || query.where().contains("OR 1"),
                query.where());
        assertEquals(List.of(), ids(hostile));
        assertEquals(3, count(""), "the table is still there");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "eq(password,x)",
        "eq(m.id;DROP%20TABLE%20mail,x)",
        "sort(-subject;DROP)",
        "sort(+)",
        "select(secret)",
        "select()",
        "eq(views,1%20OR%201=1)",
        "gt(creation_timestamp,yesterday)",
        "like(views,1)",
        "frobnicate(subject,x)",
        "e-q(subject,x)",
        "eq(subject)",
        "eq(subject,a,b)",
        "eq((a,b),x)",
        "eq(subject,x",
        "eq(subject,x))",
        ")(",
        "()",
        "subject",
        "=x",
        "limit(-1)",
        "limit(abc)",
        "limit(1,2,3)",
        "limit()",
        "limit(99999999999999)",
        "limit(1.5)",
        "sort(+id)&sort(-id)",
        "and()",
        "and(x)",
        "and(limit(1))",
        "or(eq(subject,x),sort(+id))",
        "in(status)",
        "in(status,())",
        "skipCount(1)",
        "eq(subject,%ZZ)",
        "eq(subject,%E",
        "eq(subject,%25C3%2528)",
        "eq(subject,%C3%28)"})
    void malformedOrUnknownQueriesAreInvalidRql(String query) {
        assertInvalid(query);
    }

    @Test
    void tooManyListValuesAreRefused() {
        String values = String.join(",", Collections.nCopies(501, "x"));
        assertInvalid("in(status,(" + values + "))");
        assertEquals(List.of(), ids("in(status,(" + String.join(",", Collections.nCopies(500, "x")) + "))"));
    }

    @Test
    void deepNestingAndLongQueriesAreRefusedBeforeTheyCostAnything() {
        assertInvalid("and(".repeat(33) + "eq(id,x)" + ")".repeat(33));
        assertEquals(List.of(), ids("and(".repeat(30) + "eq(id,x)" + ")".repeat(30)));
        assertInvalid("eq(subject," + "x".repeat(Rql.MAX_LENGTH) + ")");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static void assertInvalid(String query) {
        ApiException error = assertThrows(ApiException.class, () -> MAILS.translate(query), query);
        assertEquals(ErrorCode.INVALID_RQL, error.errorCode());
        assertEquals(400, error.status());
        assertTrue(error.getMessage().startsWith("Invalid RQL: "), error.getMessage());
    }

    /** The ids of one page, in the query's order, read the way the stores read them (RqlSelect on Jdbi). */
    private static List<String> ids(String rawQuery) {
        SqlQuery query = MAILS.translate(rawQuery);
        try {
            return JDBI.withHandle(handle -> RqlSelect.page(handle, "m.id", "mail m", query, (rows, context) -> rows.getString(1)));
        } catch (RuntimeException e) {
            throw new AssertionError(rawQuery + " made SQL the database refused: " + query.where(), e);
        }
    }

    private static long count(String rawQuery) {
        SqlQuery query = MAILS.translate(rawQuery);
        return JDBI.withHandle(handle -> RqlSelect.count(handle, "mail m", query));
    }

    private static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
    }

    private static void mail(String id, String creator, String subject, String templateName, int views, long created,
                             String status) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO mail (id, creator_id, from_address, subject, "
                + "template_name, views, status, creation_timestamp, update_timestamp) VALUES (?, ?, 'from@example.com', ?, ?, ?, ?, ?, ?)")) {
            bind(insert, Arrays.asList(id, creator, subject, templateName, views, status, created, created));
            insert.executeUpdate();
        }
    }

    private static void body(String mail, String body) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE mail SET body = ? WHERE id = ?")) {
            bind(update, List.of(body, mail));
            update.executeUpdate();
        }
    }

    private static void address(String mail, String kind, int position, String address) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO mail_address (mail_id, kind, position, address) VALUES (?, ?, ?, ?)")) {
            bind(insert, List.of(mail, kind, position, address));
            insert.executeUpdate();
        }
    }
}
