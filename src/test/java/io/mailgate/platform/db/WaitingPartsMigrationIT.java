package io.mailgate.platform.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrading a database whose mails wait for delivery: V6 must mark the mails that still have
 * attachments or a rendering, or their delivery after the upgrade would leave those parts out.
 */
class WaitingPartsMigrationIT {

    @Test
    void mailsWithWaitingAttachmentsOrRenderingsAreMarked(@TempDir Path dir) throws SQLException {
        String url = Database.h2Url(dir);
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration", "classpath:db/vendor/h2").target("5").load().migrate();
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement();
             PreparedStatement mail = connection.prepareStatement("INSERT INTO mail (id, creator_id, from_address, "
                     + "status, creation_timestamp, update_timestamp) VALUES (?, 'client', 'from@example.com', 'queued', 0, 0)")) {
            for (String id : new String[] {"plain", "attached", "rendered"}) {
                mail.setString(1, id);
                mail.executeUpdate();
            }
            statement.executeUpdate("INSERT INTO mail_attachment (mail_id, position, name, content_type, content) "
                    + "VALUES ('attached', 0, 'a.txt', 'text/plain', X'41')");
            statement.executeUpdate("INSERT INTO mail_rendering (mail_id, html, text) VALUES ('rendered', '<p>x</p>', 'x')");
        }

        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration", "classpath:db/vendor/h2").load().migrate();

        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id, waiting_parts FROM mail ORDER BY id")) {
            StringBuilder found = new StringBuilder();
            while (rows.next()) {
                found.append(rows.getString(1).trim()).append('=').append(rows.getBoolean(2)).append(' ');
            }
            assertEquals("attached=true plain=false rendered=true ", found.toString());
        }
    }
}
