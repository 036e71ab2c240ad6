package io.mailgate;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import io.mailgate.console.ConsoleConfiguration;
import io.mailgate.deadletter.DeadLetterConfiguration;
import io.mailgate.feedback.FeedbackConfiguration;
import io.mailgate.mail.MailConfiguration;
import io.mailgate.platform.Platform;
import io.mailgate.privacy.PrivacyConfiguration;
import io.mailgate.provider.ProviderConfiguration;
import io.mailgate.security.SecurityConfiguration;
import io.mailgate.suppression.SuppressionConfiguration;
import io.mailgate.template.TemplateConfiguration;
import io.mailgate.webhook.WebhookConfiguration;

/**
 * Wires Mailgate: the platform first (settings, database, broker), then each feature's own
 * configuration, in the order they need each other. Everything here runs once, before any route starts.
 */
public class MailgateConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Platform platform = Platform.start(context);
        SecurityConfiguration security = new SecurityConfiguration(platform);
        TemplateConfiguration templates = new TemplateConfiguration(platform);
        MailConfiguration mail = new MailConfiguration(platform, templates.templates(), security.secretBox());
        DeadLetterConfiguration deadLetters = new DeadLetterConfiguration(platform, mail.metrics());
        SuppressionConfiguration suppressions = new SuppressionConfiguration(platform);
        ProviderConfiguration providers = new ProviderConfiguration(platform, security.secretBox(), mail, suppressions.list());
        FeedbackConfiguration feedback = new FeedbackConfiguration(platform, mail, suppressions.list(), providers, deadLetters.store());
        new WebhookConfiguration(platform, security.secretBox(), feedback.feedback(), deadLetters.store());
        new PrivacyConfiguration(platform, security, mail, providers);
        new ConsoleConfiguration(platform, security, providers);
        platform.announce(providers.describeDefault());
    }
}
