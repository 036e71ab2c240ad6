package io.mailgate.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.security.Scopes;
import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.SmtpFaults;

/**
 * The operator console, tested the way an operator uses it: in Debian's Chromium, driven by
 * playwright-core from npm, and in Debian's Firefox ESR over WebDriver BiDi (src/test/node/console),
 * against a real Mailgate delivering to GreenMail
 * behind a proxy that refuses one message once (its mail becomes a dead letter, and a replay sends it).
 * The tests sign in, find a mail by recipient, preview it, replay the dead letter, check CSRF and scopes,
 * run axe-core on every page and write screenshots to target/console-screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {

    private static final Path TESTS = Path.of("src/test/node/console");
    private static final String PASSWORD = "Console-password-1";

    private GreenMail smtp;
    private SmtpFaults faults;
    private MailgateInstance mailgate;
    private final String deadAddress = "refused-once-" + UUID.randomUUID() + "@example.com";

    @BeforeAll
    void start() {
        smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        faults = SmtpFaults.inFrontOf(smtp.getSmtp().getPort());
        // The provider refuses the message once (a relay policy, not the mailbox: nothing is suppressed).
        faults.refuseData(deadAddress, "554 5.7.1 Relay access denied", 1);
        mailgate = MailgateInstance.start(Map.of("mailgate.smtp.host", "127.0.0.1", "mailgate.smtp.port", Integer.toString(faults.port()),
                // Privacy requests wait for an operator's review: the console approves and denies them.
                "mailgate.privacy.manual-approval-required", "true"));
    }

    @AfterAll
    void stop() throws Exception {
        if (mailgate != null) {
            mailgate.close();
        }
        if (faults != null) {
            faults.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void anOperatorWorksThroughTheConsoleInChromium() throws Exception {
        Api api = mailgate.api();
        api.createUser("console-admin", PASSWORD, Scopes.ALL);
        api.createUser("console-reader", PASSWORD, List.of("mail:read"));
        // Chromium through playwright-core, then Firefox ESR through WebDriver BiDi (Node 20's WebSocket is behind a flag).
        ProcessBuilder builder = new ProcessBuilder("node", "--experimental-websocket", "--test", "--test-concurrency=1",
                "--test-reporter=spec", TESTS.resolve("console.test.mjs").toString(), TESTS.resolve("firefox.test.mjs").toString())
                .redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.put("MG_BASE", "http://127.0.0.1:" + mailgate.port());
        environment.put("MG_TOKEN", api.rootToken());
        environment.put("MG_USER", "console-admin");
        environment.put("MG_PASSWORD", PASSWORD);
        environment.put("MG_READER", "console-reader");
        environment.put("MG_READER_PASSWORD", PASSWORD);
        environment.put("MG_DEAD_ADDRESS", deadAddress);
        environment.put("MG_SCREENSHOTS", Path.of("target/console-screenshots").toAbsolutePath().toString());
        environment.put("NODE_PATH", Path.of("src/test/node/node_modules").toAbsolutePath().toString());
        Process node = builder.start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!node.waitFor(5, TimeUnit.MINUTES)) {
            node.destroyForcibly();
        }
        System.out.println(output);
        assertEquals(0, node.exitValue(), "The console's browser tests failed:\n" + output);
        assertTrue(output.contains("pass 6"), output);
    }
}
