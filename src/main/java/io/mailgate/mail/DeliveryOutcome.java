package io.mailgate.mail;

/** How the delivery of a claimed mail ended, as far as the mail's record, metrics and dead letters need to know. */
public interface DeliveryOutcome {

    OutboundMail outbound();

    /** True when a provider took the mail. */
    boolean delivered();

    /** The provider that took the mail, or the last one tried; null when there was none to try. */
    String providerKey();

    /** The id the provider gave the mail, when it was delivered. */
    String providerMessageId();

    /** Why each provider tried failed, in order. */
    String failureReason();
}
