import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.Template;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * The bare baseline: what a hand-written gateway does for one mail, without Camel, a broker or a
 * JSON library. HTTP server → INSERT → (worker) Handlebars → MIME → SMTP over a kept-open
 * connection → UPDATE. POST /mail accepts and delivers; POST /accept only stores.
 * Usage: Baseline <http port> <jdbc url> <db user> <db password> <smtp port> <workers>
 */
public final class Baseline {

    private static final Pattern SUBJECT = Pattern.compile("\"subject\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern TO = Pattern.compile("\"to\"\\s*:\\s*\\[\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        int httpPort = Integer.parseInt(args[0]);
        String url = args[1];
        String user = args[2];
        String password = args[3];
        int smtpPort = Integer.parseInt(args[4]);
        int workers = Integer.parseInt(args[5]);

        BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(16);
        for (int i = 0; i < 16; i++) {
            pool.add(DriverManager.getConnection(url, user, password));
        }
        Connection setup = pool.take();
        try (var s = setup.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bench_mail (id BIGSERIAL PRIMARY KEY, recipient VARCHAR(320), subject VARCHAR(1000), "
                    + "status VARCHAR(16), created_at BIGINT, sent_at BIGINT)");
        } finally {
            pool.add(setup);
        }
        Template template = new Handlebars().compileInline("<html><body><p>Hello {{subject}}</p><p>{{body}}</p></body></html>");
        BlockingQueue<long[]> work = new LinkedBlockingQueue<>();
        Map<Long, String[]> pending = new java.util.concurrent.ConcurrentHashMap<>();

        for (int w = 0; w < workers; w++) {
            Thread worker = new Thread(() -> deliver(work, pending, pool, template, smtpPort), "baseline-worker-" + w);
            worker.setDaemon(true);
            worker.start();
        }

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", httpPort), 1024);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/mail", exchange -> accept(exchange, pool, work, pending, true));
        server.createContext("/accept", exchange -> accept(exchange, pool, work, pending, false));
        server.createContext("/ready", exchange -> respond(exchange, 200, "{\"status\":\"UP\"}"));
        server.start();
        System.out.println("baseline ready");
    }

    private static void accept(HttpExchange exchange, BlockingQueue<Connection> pool, BlockingQueue<long[]> work,
                               Map<Long, String[]> pending, boolean deliver) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher subject = SUBJECT.matcher(body);
        Matcher to = TO.matcher(body);
        if (!subject.find() || !to.find()) {
            respond(exchange, 400, "{\"error\":\"subject and recipients.to are required\"}");
            return;
        }
        Connection connection = null;
        try {
            connection = pool.take();
            long id;
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO bench_mail (recipient, subject, status, created_at) VALUES (?, ?, 'queued', ?) RETURNING id")) {
                insert.setString(1, to.group(1));
                insert.setString(2, subject.group(1));
                insert.setLong(3, System.currentTimeMillis());
                try (ResultSet rows = insert.executeQuery()) {
                    rows.next();
                    id = rows.getLong(1);
                }
            }
            if (deliver) {
                pending.put(id, new String[] {to.group(1), subject.group(1)});
                work.add(new long[] {id});
            }
            respond(exchange, 200, "{\"id\":" + id + ",\"status\":\"queued\"}");
        } catch (SQLException | InterruptedException e) {
            respond(exchange, 500, "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
        } finally {
            if (connection != null) {
                pool.add(connection);
            }
        }
    }

    private static void deliver(BlockingQueue<long[]> work, Map<Long, String[]> pending, BlockingQueue<Connection> pool,
                                Template template, int smtpPort) {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", Integer.toString(smtpPort));
        Session session = Session.getInstance(properties);
        Transport transport = null;
        while (true) {
            try {
                long id = work.take()[0];
                String[] mail = pending.remove(id);
                String html = template.apply(Map.of("subject", mail[1], "body", "Mail " + id));
                MimeMessage message = new MimeMessage(session);
                message.setFrom(new InternetAddress("baseline@example.org"));
                message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail[0]));
                message.setSubject(mail[1], "UTF-8");
                message.setText(html, "UTF-8", "html");
                message.saveChanges();
                if (transport == null || !transport.isConnected()) {
                    transport = session.getTransport("smtp");
                    transport.connect();
                }
                transport.sendMessage(message, message.getAllRecipients());
                Connection connection = pool.take();
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE bench_mail SET status = 'sent', sent_at = ? WHERE id = ?")) {
                    update.setLong(1, System.currentTimeMillis());
                    update.setLong(2, id);
                    update.executeUpdate();
                } finally {
                    pool.add(connection);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                System.err.println("baseline delivery failed: " + e);
                transport = null;
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
