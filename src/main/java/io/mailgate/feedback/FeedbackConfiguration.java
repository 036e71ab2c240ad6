package io.mailgate.feedback;

import io.mailgate.mail.MailConfiguration;
import io.mailgate.platform.Platform;
import io.mailgate.provider.ProviderConfiguration;
import io.mailgate.suppression.SuppressionList;

/**
 * Wires the feedback loop: what providers, SMTP servers, bounce mails, the tracking image and the
 * unsubscribe link report goes on the mails' records and suppresses addresses that must not be mailed.
 */
public final class FeedbackConfiguration {

    private final Feedback feedback;

    public FeedbackConfiguration(Platform platform, MailConfiguration mail, SuppressionList suppressions, ProviderConfiguration providers,
                                 io.mailgate.deadletter.DeadLetterStore deadLetters) {
        FeedbackSettings settings = platform.settings().feedback();
        // The bounce mailbox's password lives in the route's endpoint only; no log line shows it.
        platform.context().getPropertiesComponent().resolveProperty("mailgate.bounce.mailbox.password")
                .filter(password -> !password.isBlank()).ifPresent(io.mailgate.platform.LogMasking::hide);
        feedback = platform.bind(new Feedback(platform.jdbi(), mail.events(), suppressions, settings, platform.meters(),
                platform.clock()));
        MachineOpens machines = new MachineOpens(settings.machineOpenSeconds());
        platform.bind(new Opens(mail.records(), mail.events(), feedback, machines, platform.clock()));
        platform.bind(new SmtpBounces(feedback, mail.events(), platform.clock()));
        platform.bind(new OneClickUnsubscribe(mail.unsubscribeLinks(), mail.records(), mail.events(), feedback, platform.clock()));
        platform.bind(new BounceMails(mail.records(), mail.events(), feedback, deadLetters, platform.meters()));
        int maxBody = platform.settings().maxPublicBodyBytes();
        platform.bind(new MailgunEvents(platform.json(), providers::mailgunSigningKey,
                new WebhookTokens(platform.jdbi(), settings.signatureWindowSeconds(), platform.clock()), feedback, mail.events(),
                machines, settings, maxBody, platform.clock()));
        platform.bind(new SesEvents(platform.json(), providers::requireSesConfig, new SnsClient(settings.snsCertUrlPattern()),
                feedback, mail.events(), machines, settings, maxBody, platform.clock()));
    }

    public Feedback feedback() {
        return feedback;
    }
}
