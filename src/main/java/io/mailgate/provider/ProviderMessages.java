package io.mailgate.provider;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.apache.hc.client5.http.entity.mime.HttpMultipartMode;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;

import io.mailgate.mail.Mail;
import io.mailgate.mail.MailRequest;
import io.mailgate.mail.MimeMessageBuilder;
import io.mailgate.mail.OutboundMail;

/** What each kind of provider kamelet takes: a MIME message, or Mailgun's multipart form, and the SES envelope. */
public class ProviderMessages {

    private static final ContentType TEXT = ContentType.TEXT_PLAIN.withCharset(StandardCharsets.UTF_8);

    private final MimeMessageBuilder mime;

    public ProviderMessages(MimeMessageBuilder mime) {
        this.mime = mime;
    }

    public MimeMessage mime(OutboundMail outbound, Provider provider) throws MessagingException {
        return mime.build(outbound, provider.fromAddress());
    }

    /** For SES: the bcc recipients travel in the envelope (envelopeTo) only, never in the message. */
    public MimeMessage mimeWithoutBcc(OutboundMail outbound, Provider provider) throws MessagingException {
        MimeMessage message = mime.build(outbound, provider.fromAddress());
        message.removeHeader("Bcc");
        return message;
    }

    /** Mailgun's form: from, to, cc, bcc, subject, text, html, h:Reply-To and one attachment part per file. */
    public HttpEntity mailgunForm(OutboundMail outbound, Provider provider) {
        Mail mail = outbound.mail();
        MultipartEntityBuilder form = MultipartEntityBuilder.create().setMode(HttpMultipartMode.EXTENDED)
                .setCharset(StandardCharsets.UTF_8);
        form.addTextBody("from", mime.from(mail, provider.fromAddress()), TEXT);
        mail.recipients().to().forEach(address -> form.addTextBody("to", address, TEXT));
        mail.recipients().cc().forEach(address -> form.addTextBody("cc", address, TEXT));
        mail.recipients().bcc().forEach(address -> form.addTextBody("bcc", address, TEXT));
        form.addTextBody("subject", mail.subject() == null ? "" : mail.subject(), TEXT);
        String text = outbound.rendering().map(r -> r.text()).orElse(mail.body());
        if (text != null) {
            form.addTextBody("text", text, TEXT);
        }
        outbound.rendering().map(r -> r.html()).ifPresent(html ->
                form.addTextBody("html", html, ContentType.TEXT_HTML.withCharset(StandardCharsets.UTF_8)));
        if (!mail.replyTo().isEmpty()) {
            form.addTextBody("h:Reply-To", String.join(", ", mail.replyTo()), TEXT);
        }
        for (MailRequest.Attachment attachment : outbound.attachments()) {
            form.addBinaryBody("attachment", attachment.content(), ContentType.parse(attachment.type()), attachment.name());
        }
        return form.build();
    }

    /** SES SendRawEmail's source: the sender's address alone. */
    public String envelopeFrom(OutboundMail outbound, Provider provider) throws MessagingException {
        return new InternetAddress(mime.from(outbound.mail(), provider.fromAddress()), true).getAddress();
    }

    /** SES SendRawEmail's destinations, comma separated: to, cc and bcc (Bcc is not in the message). */
    public String envelopeTo(OutboundMail outbound) throws MessagingException {
        List<String> all = new ArrayList<>();
        for (List<String> list : List.of(outbound.mail().recipients().to(), outbound.mail().recipients().cc(),
                outbound.mail().recipients().bcc())) {
            for (String address : list) {
                all.add(new InternetAddress(address, true).getAddress());
            }
        }
        return String.join(",", all);
    }
}
