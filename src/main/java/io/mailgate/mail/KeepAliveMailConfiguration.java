package io.mailgate.mail;

import org.apache.camel.CamelContext;
import org.apache.camel.component.mail.JavaMailSender;

/**
 * The configuration of Mailgate's smtp component: every endpoint (each smtp-sink kamelet route)
 * gets a sender that keeps its SMTP connections open. Endpoint configurations are copies of this
 * one, so they stay of this class.
 */
public class KeepAliveMailConfiguration extends org.apache.camel.component.mail.MailConfiguration {

    public KeepAliveMailConfiguration(CamelContext context) {
        super(context);
    }

    @Override
    protected JavaMailSender createJavaMailSender(CamelContext context) {
        JavaMailSender sender = super.createJavaMailSender(context);
        // An endpoint's own trust (a provider's CA) for implicit TLS and STARTTLS alike.
        if (getSslContextParameters() != null) {
            try {
                sender.getJavaMailProperties().put("mail.smtp.ssl.socketFactory",
                        getSslContextParameters().createSSLContext(context).getSocketFactory());
            } catch (java.security.GeneralSecurityException | java.io.IOException e) {
                throw new IllegalStateException("The SMTP endpoint's TLS settings cannot be used", e);
            }
        }
        return KeepAliveJavaMailSender.copyOf(sender);
    }
}
