package io.mailgate.mail;

import java.util.Date;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;

import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

import org.apache.camel.component.mail.DefaultJavaMailSender;
import org.apache.camel.component.mail.JavaMailSender;

/**
 * camel-mail's sender, but the SMTP connection stays open for the next mail instead of being opened
 * and closed for every one (a TCP handshake, EHLO, AUTH and QUIT per mail). Up to 32 idle
 * connections per endpoint are kept; one idle for a while is checked with NOOP before use. A
 * failure closes the connection and is left to the calling route's retries, which connect anew.
 */
public class KeepAliveJavaMailSender extends DefaultJavaMailSender {

    private static final int MAX_IDLE_CONNECTIONS = 32;
    private static final long CHECK_AFTER_IDLE_MILLIS = 5_000;
    private static final long CLOSE_AFTER_IDLE_MILLIS = 60_000;

    private final Deque<Idle> idle = new ConcurrentLinkedDeque<>();

    private record Idle(Transport transport, long since) {
    }

    /** A keep-alive sender configured exactly like the one camel-mail made. */
    static KeepAliveJavaMailSender copyOf(JavaMailSender configured) {
        KeepAliveJavaMailSender sender = new KeepAliveJavaMailSender();
        sender.setJavaMailProperties(configured.getJavaMailProperties());
        sender.setHost(configured.getHost());
        sender.setPort(configured.getPort());
        sender.setUsername(configured.getUsername());
        sender.setPassword(configured.getPassword());
        sender.setProtocol(configured.getProtocol());
        if (configured.getAuthenticator() != null) {
            sender.setAuthenticator(configured.getAuthenticator());
        }
        if (configured.getSession() != null) {
            sender.setSession(configured.getSession());
        }
        return sender;
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        if (message.getSentDate() == null) {
            message.setSentDate(new Date());
        }
        String messageId = message.getMessageID();
        message.saveChanges();
        if (messageId != null) {
            message.setHeader("Message-ID", messageId);
        }
        Transport transport = borrow();
        try {
            transport.sendMessage(message, message.getAllRecipients());
        } catch (MessagingException | RuntimeException e) {
            close(transport);
            throw e;
        }
        giveBack(transport);
    }

    private Transport borrow() throws MessagingException {
        long now = System.currentTimeMillis();
        for (Idle candidate = idle.pollFirst(); candidate != null; candidate = idle.pollFirst()) {
            long idleFor = now - candidate.since();
            if (idleFor > CLOSE_AFTER_IDLE_MILLIS || (idleFor > CHECK_AFTER_IDLE_MILLIS && !candidate.transport().isConnected())) {
                close(candidate.transport());
                continue;
            }
            return candidate.transport();
        }
        Transport transport = getSession().getTransport(getProtocol());
        transport.connect(getHost(), getPort(), getPasswordAuthentication().getUserName(), getPasswordAuthentication().getPassword());
        return transport;
    }

    private void giveBack(Transport transport) {
        if (idle.size() < MAX_IDLE_CONNECTIONS) {
            idle.offerFirst(new Idle(transport, System.currentTimeMillis()));
        } else {
            close(transport);
        }
    }

    private static void close(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException e) {
            // the connection is gone either way
        }
    }
}
