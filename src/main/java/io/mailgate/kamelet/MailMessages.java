package io.mailgate.kamelet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.apache.hc.core5.http.HttpEntity;

/**
 * The one input every Mailgate provider kamelet takes, and the shaping each does with it. The body is
 * the message as its recipients see it: a jakarta.mail {@link MimeMessage}, or its RFC 5322 bytes, with
 * no Bcc header. The headers {@value #ENVELOPE_FROM} (the sender address) and {@value #ENVELOPE_TO}
 * (every recipient address, blind ones included, comma separated) are its envelope. Nothing here
 * depends on the rest of Mailgate: another Camel application can use the kamelets with this package.
 */
public final class MailMessages {

    public static final String ENVELOPE_FROM = "MailEnvelopeFrom";
    public static final String ENVELOPE_TO = "MailEnvelopeTo";

    private static final Pattern SAFE_FILE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final String[] WITHOUT_BCC = {"Bcc"};

    private MailMessages() {
    }

    /** For SMTP: the message, sent to the envelope's recipients from its sender (zero copies when it already is). */
    public static MimeMessage enveloped(Object body, String envelopeFrom, String envelopeTo) throws MessagingException {
        requireEnvelope(envelopeTo);
        if (body instanceof EnvelopedMessage message && message.hasEnvelope(envelopeFrom, envelopeTo)) {
            return message;
        }
        return new EnvelopedMessage(message(body), envelopeFrom, envelopeTo);
    }

    /** For an API that takes the raw message (SES): the message, never with a Bcc header. */
    public static MimeMessage rawMessage(Object body) throws MessagingException {
        MimeMessage message = message(body);
        if (message.getHeader("Bcc") == null) {
            return message;
        }
        return parse(bytes(message));
    }

    /**
     * For Mailgun's POST /v3/{domain}/messages.mime, an RFC 7578 form: the envelope's recipients as
     * {@code to}, the message as the {@code message} file, its Message-ID as {@code h:Message-Id} (so that
     * a message sent again keeps its id) and, when given, the sender's id for it as the user variable
     * {@code v:mailgate-id}, which Mailgun hands back in its events.
     */
    public static HttpEntity mailgunMime(Object body, String envelopeTo, String mailgateId) throws MessagingException {
        MimeMessage message = message(body);
        FormData form = new FormData();
        for (String recipient : recipients(envelopeTo)) {
            form.text("to", recipient);
        }
        String messageId = message.getMessageID();
        if (messageId != null) {
            form.text("h:Message-Id", messageId);
        }
        if (mailgateId != null && !mailgateId.isBlank()) {
            form.text("v:mailgate-id", mailgateId);
        }
        return form.file("message", "message.mime", "message/rfc822", bytes(message)).build();
    }

    /**
     * For a pickup directory: the message's bytes, with a Bcc header naming the envelope's recipients
     * that its To and Cc headers do not, as a pickup directory expects (sendmail -t reads them there).
     */
    public static byte[] pickupFile(Object body, String envelopeTo) throws MessagingException {
        MimeMessage message = message(body);
        Set<String> shown = new HashSet<>();
        for (Message.RecipientType type : List.of(Message.RecipientType.TO, Message.RecipientType.CC)) {
            Address[] addresses = message.getRecipients(type);
            for (Address address : addresses == null ? new Address[0] : addresses) {
                shown.add(((InternetAddress) address).getAddress().toLowerCase(Locale.ROOT));
            }
        }
        List<String> blind = new ArrayList<>();
        for (String recipient : recipients(envelopeTo)) {
            if (!shown.contains(recipient.toLowerCase(Locale.ROOT))) {
                blind.add(recipient);
            }
        }
        byte[] bytes = bytes(message);
        if (blind.isEmpty()) {
            return bytes;
        }
        byte[] bcc = ("Bcc: " + String.join(", ", blind) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] file = new byte[bcc.length + bytes.length];
        System.arraycopy(bcc, 0, file, 0, bcc.length);
        System.arraycopy(bytes, 0, file, bcc.length, bytes.length);
        return file;
    }

    /** The outbox file's name: the one given (CamelFileName), else the Message-ID's left part. */
    public static String fileName(Object body, String given) throws MessagingException {
        if (given != null && !given.isBlank()) {
            return given;
        }
        String id = message(body).getMessageID();
        String left = id == null ? "" : id.replaceAll("^<|>$", "").replaceAll("@.*$", "");
        return (SAFE_FILE_NAME.matcher(left).matches() ? left : Integer.toHexString(String.valueOf(id).hashCode())) + ".eml";
    }

    /** The provider's message id of a sink that has none of its own: the Message-ID header. */
    public static String messageId(Object body) throws MessagingException {
        return message(body).getMessageID();
    }

    /** The body as a MimeMessage: as it is, or parsed from its bytes. */
    public static MimeMessage message(Object body) throws MessagingException {
        if (body instanceof MimeMessage message) {
            return message;
        }
        if (body instanceof byte[] bytes) {
            return parse(bytes);
        }
        if (body instanceof InputStream stream) {
            return new MimeMessage(EnvelopedMessage.SESSION, stream);
        }
        if (body instanceof String text) {
            return parse(text.getBytes(StandardCharsets.UTF_8));
        }
        throw new MessagingException("The body must be a MimeMessage or the bytes of one, not "
                + (body == null ? "nothing" : body.getClass().getName()));
    }

    private static MimeMessage parse(byte[] bytes) throws MessagingException {
        return new MimeMessage(EnvelopedMessage.SESSION, new ByteArrayInputStream(bytes));
    }

    private static byte[] bytes(MimeMessage message) throws MessagingException {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            message.writeTo(out, WITHOUT_BCC);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> recipients(String envelopeTo) throws MessagingException {
        requireEnvelope(envelopeTo);
        List<String> addresses = new ArrayList<>();
        for (InternetAddress address : InternetAddress.parse(envelopeTo, true)) {
            addresses.add(address.getAddress());
        }
        return addresses;
    }

    private static void requireEnvelope(String envelopeTo) throws MessagingException {
        if (envelopeTo == null || envelopeTo.isBlank()) {
            throw new MessagingException("The " + ENVELOPE_TO + " header must name the message's recipients");
        }
    }
}
