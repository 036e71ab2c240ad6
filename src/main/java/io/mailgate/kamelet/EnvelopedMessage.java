package io.mailgate.kamelet;

import java.util.Arrays;
import java.util.Properties;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * A message with its SMTP envelope: sent to the envelope's recipients (blind ones included, though no
 * header names them) from the envelope's sender, whatever its To, Cc and From headers say. JavaMail's
 * transport asks {@link #getAllRecipients()} for RCPT TO and {@link #getEnvelopeFrom()} for MAIL FROM.
 */
public class EnvelopedMessage extends SMTPMessage {

    static final Session SESSION = Session.getInstance(new Properties());

    private String envelopeTo;
    private InternetAddress[] recipients;

    /** An empty message, for a builder that sets its envelope with {@link #setEnvelope}. */
    public EnvelopedMessage() {
        super(SESSION);
    }

    /** A copy of another message with this envelope. */
    EnvelopedMessage(MimeMessage source, String envelopeFrom, String envelopeTo) throws MessagingException {
        super(source);
        setEnvelope(envelopeFrom, envelopeTo);
    }

    /**
     * @param envelopeFrom the sender address (MAIL FROM)
     * @param envelopeTo   every recipient address, comma separated (RCPT TO)
     */
    public final void setEnvelope(String envelopeFrom, String envelopeTo) throws AddressException {
        setEnvelopeFrom(envelopeFrom);
        this.envelopeTo = envelopeTo;
        this.recipients = InternetAddress.parse(envelopeTo, true);
    }

    /** Every recipient address, comma separated, as given to {@link #setEnvelope}. */
    public String getEnvelopeTo() {
        return envelopeTo;
    }

    boolean hasEnvelope(String envelopeFrom, String envelopeTo) {
        return envelopeTo != null && envelopeTo.equals(this.envelopeTo)
                && (envelopeFrom == null || envelopeFrom.equals(getEnvelopeFrom()));
    }

    @Override
    public Address[] getAllRecipients() throws MessagingException {
        return recipients == null ? super.getAllRecipients() : Arrays.copyOf(recipients, recipients.length);
    }
}
