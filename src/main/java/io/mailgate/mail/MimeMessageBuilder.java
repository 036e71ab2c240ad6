package io.mailgate.mail;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

import io.mailgate.kamelet.EnvelopedMessage;

/**
 * Builds the RFC 5322 message of a stored mail. Only the mail's own fields become headers: nothing
 * from the HTTP request or the queue message can reach the message.
 */
public class MimeMessageBuilder {

    /** The header naming the Mailgate mail id, so that provider events and bounces lead back to the record. */
    public static final String MAIL_ID_HEADER = "X-Mailgate-Id";

    private final String defaultFrom;
    private final String messageIdDomain;
    private final UnsubscribeLinks unsubscribeLinks;

    /**
     * @param defaultFrom     the configured sender: a provider's from_address replaces it, never an explicit one
     * @param messageIdDomain the right part of Message-IDs; blank: the sender's domain
     */
    public MimeMessageBuilder(String defaultFrom, String messageIdDomain) {
        this(defaultFrom, messageIdDomain, null);
    }

    /** @param unsubscribeLinks the links of mails asking for one-click unsubscribe; null: such mails get none */
    public MimeMessageBuilder(String defaultFrom, String messageIdDomain, UnsubscribeLinks unsubscribeLinks) {
        this.unsubscribeLinks = unsubscribeLinks;
        this.defaultFrom = defaultFrom;
        this.messageIdDomain = messageIdDomain == null ? "" : messageIdDomain.trim();
    }

    /** The sender of mails that name none. */
    public String defaultFrom() {
        return defaultFrom;
    }

    /** The sender as the provider sends it. */
    public String from(Mail mail, String providerFromAddress) {
        return providerFromAddress != null && mail.from().equals(defaultFrom) ? providerFromAddress : mail.from();
    }

    /**
     * The message as its recipients see it (no Bcc header), with its envelope: sent from the sender's
     * address to every recipient, blind ones included. This is what every provider kamelet takes.
     */
    public EnvelopedMessage build(OutboundMail outbound, String providerFromAddress) throws MessagingException {
        Mail mail = outbound.mail();
        InternetAddress from = new InternetAddress(from(mail, providerFromAddress), true);
        IdentifiedMessage message = new IdentifiedMessage(messageId(mail.id(), from));
        // Named on the message too, for providers that report it back (a Mailgun variable, an SES tag).
        message.setHeader(MAIL_ID_HEADER, mail.id());
        if (mail.options().listUnsubscribe() && unsubscribeLinks != null) {
            // RFC 8058: the mailbox provider POSTs List-Unsubscribe=One-Click to the link, no page in between.
            message.setHeader("List-Unsubscribe", "<" + unsubscribeLinks.url(mail.id()) + ">");
            message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        message.setFrom(from);
        setAddresses(message, Message.RecipientType.TO, mail.recipients().to());
        setAddresses(message, Message.RecipientType.CC, mail.recipients().cc());
        message.setEnvelope(from.getAddress(), envelopeTo(mail.recipients()));
        if (!mail.replyTo().isEmpty()) {
            message.setReplyTo(parse(mail.replyTo()));
        }
        message.setSubject(mail.subject() == null ? "" : mail.subject(), StandardCharsets.UTF_8.name());
        message.setSentDate(new Date(mail.creationTimestamp()));
        if (outbound.attachments().isEmpty()) {
            fill(message, outbound);
        } else {
            MimeMultipart mixed = new MimeMultipart("mixed");
            MimeBodyPart content = new MimeBodyPart();
            fill(content, outbound);
            mixed.addBodyPart(content);
            for (MailRequest.Attachment attachment : outbound.attachments()) {
                MimeBodyPart part = new MimeBodyPart();
                part.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment.content(), attachment.type())));
                // RFC 2231 (filename*=UTF-8''…) when the name is not ASCII, quoted as it is otherwise; never
                // an encoded word inside a parameter, which RFC 2047 does not allow.
                part.setFileName(attachment.name());
                part.setDisposition(MimeBodyPart.ATTACHMENT);
                mixed.addBodyPart(part);
            }
            message.setContent(mixed);
        }
        message.saveChanges();
        return message;
    }

    /**
     * The readable part: plain text for a plain mail; for a template mail the rendered HTML, with the
     * text as its alternative when there is one.
     */
    private static void fill(MimePart part, OutboundMail outbound) throws MessagingException {
        if (outbound.rendering().isEmpty()) {
            String text = outbound.mail().body() == null ? "" : outbound.mail().body();
            part.setText(text, StandardCharsets.UTF_8.name());
            return;
        }
        ComposedMail.Rendering rendering = outbound.rendering().get();
        String html = rendering.html() == null ? "" : rendering.html();
        if (rendering.text() == null) {
            part.setText(html, StandardCharsets.UTF_8.name(), "html");
            return;
        }
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(rendering.text(), StandardCharsets.UTF_8.name());
        alternative.addBodyPart(text);
        MimeBodyPart htmlPart = new MimeBodyPart();
        htmlPart.setText(html, StandardCharsets.UTF_8.name(), "html");
        alternative.addBodyPart(htmlPart);
        part.setContent(alternative);
    }

    /** Every recipient's address, blind ones included, comma separated: the envelope's RCPT TO. */
    private static String envelopeTo(MailRequest.Recipients recipients) throws MessagingException {
        List<String> addresses = new java.util.ArrayList<>(recipients.count());
        for (List<String> list : List.of(recipients.to(), recipients.cc(), recipients.bcc())) {
            for (String address : list) {
                addresses.add(new InternetAddress(address, true).getAddress());
            }
        }
        return String.join(",", addresses);
    }

    private static void setAddresses(MimeMessage message, Message.RecipientType type, List<String> addresses)
            throws MessagingException {
        if (!addresses.isEmpty()) {
            message.setRecipients(type, parse(addresses));
        }
    }

    private static InternetAddress[] parse(List<String> addresses) throws MessagingException {
        InternetAddress[] parsed = new InternetAddress[addresses.size()];
        for (int i = 0; i < parsed.length; i++) {
            parsed[i] = new InternetAddress(addresses.get(i), true);
        }
        return parsed;
    }

    /**
     * The mail id at the sender's domain: unique, leads back to the record, and the same on every
     * attempt, so that a mail sent again after a crash mid-send is recognisable as the same message.
     */
    private String messageId(String mailId, InternetAddress from) {
        String address = from.getAddress();
        String domain = messageIdDomain.isEmpty() ? address.substring(address.lastIndexOf('@') + 1) : messageIdDomain;
        return "<" + mailId + "@" + domain + ">";
    }

    /** A message whose Message-ID we choose, instead of one JavaMail derives from the local host name. */
    private static final class IdentifiedMessage extends EnvelopedMessage {
        private final String messageId;

        IdentifiedMessage(String messageId) {
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
