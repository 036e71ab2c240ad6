package io.mailgate.provider;

import java.util.List;
import java.util.Optional;

/** The providers Mailgate can deliver through. Adding one: its kamelet in kamelets/, its {@link ProviderType}, a line here. */
public final class ProviderTypes {

    public static final ProviderType MAILGUN = new MailgunType();
    public static final ProviderType SES = new SesType();
    public static final ProviderType SMTP = new SmtpType();
    public static final ProviderType OUTBOX = new OutboxType();

    private static final List<ProviderType> ALL = List.of(MAILGUN, SES, SMTP, OUTBOX);

    private ProviderTypes() {
    }

    public static Optional<ProviderType> of(String serviceType) {
        return ALL.stream().filter(type -> type.serviceType().equals(serviceType)).findFirst();
    }

    public static List<ProviderType> all() {
        return ALL;
    }
}
