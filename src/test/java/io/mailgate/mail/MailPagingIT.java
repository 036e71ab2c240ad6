package io.mailgate.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.h2.tools.Server;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.Ids;
import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.TestDatabase;
import io.mailgate.support.TestPostgres;

/**
 * Lists page through more than ten thousand mails sorted by id, both ways, on an H2 file database
 * and on PostgreSQL: every page answers 200, every mail appears once, in order. (On H2, pages past
 * about 5,000 mails once answered 500.) The mails are written straight into the database, as a
 * busy gateway would have stored them, so that the test takes seconds.
 */
class MailPagingIT {

    private static final int MAILS = 10_500;
    private static final int PAGE = 50;

    @Test
    void pagesThroughTenThousandMailsOnH2() throws Exception {
        Path dir = MailgateInstance.tempDir();
        int port = MailgateInstance.freePort();
        Server h2 = Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists", "-baseDir", dir.toString()).start();
        String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/paging;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        try (MailgateInstance mailgate = MailgateInstance.start(Map.of("mailgate.db.url", url, "mailgate.db.user", "sa",
                "mailgate.db.password", ""))) {
            pageThrough(mailgate, url, "sa", "");
        } finally {
            h2.stop();
        }
    }

    @Test
    void pagesThroughTenThousandMailsOnPostgres() throws Exception {
        TestPostgres postgres = TestPostgres.server();
        try (MailgateInstance mailgate = MailgateInstance.start(TestDatabase.POSTGRES, Map.of())) {
            pageThrough(mailgate, postgres.url(), postgres.user(), postgres.password());
        }
    }

    private static void pageThrough(MailgateInstance mailgate, String url, String user, String password) throws Exception {
        String creator = "paging-" + Long.toHexString(System.nanoTime());
        List<String> stored = store(url, user, password, creator);
        Api api = mailgate.api();
        String token = api.rootToken();
        for (String order : List.of("+id", "-id")) {
            List<String> seen = new ArrayList<>();
            for (int offset = 0; offset < MAILS; offset += PAGE) {
                Api.Response page = api.get("/mail/v1/?eq(creator_id," + creator + ")&sort(" + order.replace("+", "%2B") + ")&limit("
                        + PAGE + "," + offset + ")", token);
                assertEquals(200, page.status(), "offset " + offset + ": " + page.body());
                if (offset == 0) {
                    assertEquals(MAILS, page.json().get("page").get("total").asInt());
                }
                for (JsonNode mail : page.json().get("data")) {
                    seen.add(mail.get("id").asText());
                    assertEquals(1, mail.get("recipients").get("to").size());
                }
            }
            List<String> expected = new ArrayList<>(stored);
            if (order.equals("-id")) {
                java.util.Collections.reverse(expected);
            }
            assertEquals(expected.size(), seen.size(), order);
            assertEquals(expected, seen, "every mail once, in " + order + " order");
        }
    }

    /** Writes the mails (sent, with one address each) in batches; returns their ids in ascending order. */
    private static List<String> store(String url, String user, String password, String creator) throws Exception {
        List<String> ids = new ArrayList<>();
        Set<String> unique = new HashSet<>();
        long now = System.currentTimeMillis() - MAILS;
        try (Connection connection = DriverManager.getConnection(url, user, password)) {
            connection.setAutoCommit(false);
            try (PreparedStatement mail = connection.prepareStatement("INSERT INTO mail (id, creator_id, from_address, subject, body, "
                    + "views, status, creation_timestamp, update_timestamp, waiting_parts, attempts) "
                    + "VALUES (?, ?, 'from@example.com', ?, 'x', 0, 'sent', ?, ?, FALSE, 1)");
                 PreparedStatement address = connection.prepareStatement(
                         "INSERT INTO mail_address (mail_id, kind, position, address) VALUES (?, 'to', 0, ?)")) {
                for (int i = 0; i < MAILS; i++) {
                    String id = Ids.newId(now + i);
                    assertTrue(unique.add(id));
                    ids.add(id);
                    mail.setString(1, id);
                    mail.setString(2, creator);
                    mail.setString(3, "Page " + i);
                    mail.setLong(4, now + i);
                    mail.setLong(5, now + i);
                    mail.addBatch();
                    address.setString(1, id);
                    address.setString(2, "reader" + i + "@example.com");
                    address.addBatch();
                    if (i % 1000 == 999) {
                        mail.executeBatch();
                        address.executeBatch();
                    }
                }
                mail.executeBatch();
                address.executeBatch();
            }
            connection.commit();
        }
        java.util.Collections.sort(ids);
        return ids;
    }
}
