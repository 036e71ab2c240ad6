package io.mailgate.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/** A GreenMail SMTP server that tests read like a mailbox: wait for a mail by recipient and subject, read its text. */
public final class Inbox implements AutoCloseable {

    public static final String USER = "mailer";
    public static final String PASSWORD = "mailer-password";
    private static final Pattern CODE = Pattern.compile("\\b([0-9]{6})\\b");

    private final GreenMail smtp;

    private Inbox(GreenMail smtp) {
        this.smtp = smtp;
    }

    public static Inbox start() {
        GreenMail smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.setUser("mailer@example.org", USER, PASSWORD);
        smtp.start();
        return new Inbox(smtp);
    }

    public int port() {
        return smtp.getSmtp().getPort();
    }

    public MimeMessage await(String to, String subject) {
        MimeMessage[] found = new MimeMessage[1];
        Waiter.until(Duration.ofSeconds(30), "'" + subject + "' to " + to, () -> {
            Optional<MimeMessage> match = Arrays.stream(smtp.getReceivedMessages()).filter(m -> matches(m, to, subject)).findFirst();
            match.ifPresent(m -> found[0] = m);
            return match.isPresent();
        });
        return found[0];
    }

    public int count(String to, String subject) {
        return (int) Arrays.stream(smtp.getReceivedMessages()).filter(m -> matches(m, to, subject)).count();
    }

    public List<MimeMessage> to(String to) {
        return Arrays.stream(smtp.getReceivedMessages()).filter(m -> matches(m, to, null)).toList();
    }

    private static boolean matches(MimeMessage message, String to, String subject) {
        try {
            return (subject == null || subject.equals(message.getSubject())) && message.getAllRecipients() != null
                    && Arrays.stream(message.getAllRecipients()).anyMatch(a -> a.toString().equals(to));
        } catch (MessagingException e) {
            return false;
        }
    }

    public static String text(MimeMessage message) {
        try {
            Object content = message.getContent();
            if (content instanceof MimeMultipart multipart) {
                StringBuilder all = new StringBuilder();
                for (int i = 0; i < multipart.getCount(); i++) {
                    all.append(multipart.getBodyPart(i).getContent()).append('\n');
                }
                return all.toString();
            }
            return content.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The six-digit code of a verification mail. */
    public static String code(MimeMessage message) {
        Matcher matcher = CODE.matcher(text(message));
        assertTrue(matcher.find(), "a six-digit code in the mail");
        return matcher.group(1);
    }

    @Override
    public void close() {
        smtp.stop();
    }
}
