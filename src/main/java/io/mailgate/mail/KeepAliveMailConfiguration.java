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
        return KeepAliveJavaMailSender.copyOf(super.createJavaMailSender(context));
    }
}
